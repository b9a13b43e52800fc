#!/usr/bin/env bash
# Renders the scar of a short demo run with tools/render_scar.py (pvbatch) and checks the
# pixels: the PNG has the requested size and is not blank, the scar is drawn in the
# cross-linked-fraction colours exactly where collagen + collagen_x >= the threshold (it
# vanishes with a threshold above every C; a threshold below every C fills the grid's
# footprint, which maps the cells to pixels). What the picture shows, from --describe (the
# JSON read back from ParaView's view objects) and its pixels: a white background, the colour
# bars' titles with units ("cross-linked fraction [–]", "MMP [ng/mL]") and tick labels in one
# format, the time label "day 1", a scale bar in µm inside the view and drawn where it is said
# to be; --background black and --camera zonal. A time without an output: exit 2 naming the
# nearest outputs; --nearest renders the nearest and says which. Also: a two-frame movie (when
# ffmpeg is installed; else the missing-ffmpeg message), tools/lobule_state.py RUN --check, and
# exit 2 with a message and no traceback for a wrong path, an unknown field, a time outside the
# run, a bad --background.
#   test_render_scar.sh LOBULE_EXE SOURCE_DIR      (exit 77 = skipped: no ParaView)
set -euo pipefail
exe=$1; src=$2
skip() { echo "test_render_scar: skipped: $*"; exit 77; }
command -v pvbatch >/dev/null || skip "pvbatch not installed (tools/install-deps.sh)"
[ -d /opt/lobule/paraview-python/usr/lib/python3/dist-packages/paraview ] ||
  skip "ParaView Python modules missing under /opt/lobule/paraview-python (tools/install-deps.sh)"
[ -n "${DISPLAY:-}" ] || command -v Xvfb >/dev/null || skip "no DISPLAY and Xvfb not installed"
py=/usr/bin/python3
"$py" -c "import numpy, vtk" 2>/dev/null || skip "$py lacks numpy or vtk (the pixel checks)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_render_scar: FAIL: $*" >&2; exit 1; }

# Two outputs (day 0 and day 1) of the demo: MSC therapy on a cirrhotic F4 lobule.
"$exe" run "$src/inputs/demo.yaml" -o "$tmp/run" -q --set time.end="1 d" \
  --set output.every="1 d" >"$tmp/run.log" 2>&1 || { cat "$tmp/run.log"; fail "lobule run failed"; }
pvb="$src/tools/pvbatch.sh"
render=("$pvb" "$src/tools/render_scar.py" "$tmp/run" --camera top --field mmp --size 480 240)
out=$("${render[@]}" --out "$tmp/scar.png" --describe 2>&1) || fail "render_scar failed: $out"
echo "$out" | grep "^render_scar:" || true
grep -q "render_scar: wrote $tmp/scar.png (day 1" <<<"$out" || fail "no 'wrote' line"
[ -s "$tmp/scar.json" ] || fail "--describe wrote no $tmp/scar.json"
# The same view with no scar (a threshold above every C) and with every cell (below every C).
out=$("${render[@]}" --out "$tmp/none.png" --threshold 1e9 2>&1) || fail "render failed: $out"
grep -q "scar: 0 cells" <<<"$out" || fail "threshold 1e9 still has scar cells: $out"
out=$("${render[@]}" --out "$tmp/all.png" --threshold -1 2>&1) || fail "render failed: $out"

last=$(ls "$tmp/run/fields/"*.vti | sort | tail -n1)
"$py" - "$tmp/scar.png" "$tmp/none.png" "$tmp/all.png" "$last" 480 240 0.5 \
  "$src/tools/lobule_pipeline.py" <<'EOF' || fail "pixel checks"
import ast
import sys

import numpy as np
import vtk
from vtk.util.numpy_support import vtk_to_numpy

scar_png, none_png, all_png, vti, W, H, thr, pipeline = sys.argv[1:]
W, H, thr = int(W), int(H), float(thr)
ok = True


def check(cond, what):
    global ok
    print(("ok:   " if cond else "FAIL: ") + what)
    ok = ok and bool(cond)


def png(path):
    r = vtk.vtkPNGReader()
    r.SetFileName(path)
    r.Update()
    img = r.GetOutput()
    w, h, _ = img.GetDimensions()
    a = vtk_to_numpy(img.GetPointData().GetScalars()).reshape(h, w, -1)
    return a[::-1, :, :3].astype(float) / 255  # rows top down, RGB in 0..1


S, N, A = png(scar_png), png(none_png), png(all_png)
check(S.shape[:2] == (H, W) and N.shape == S.shape and A.shape == S.shape,
      f"size {S.shape[1]}x{S.shape[0]} (asked {W}x{H})")
colours = len(np.unique((S * 255).astype(np.uint8).reshape(-1, 3), axis=0))
check(colours >= 200, f"{colours} distinct colours (not blank: >= 200)")
left = S.shape[1] // 2  # the 3D scar panel; the field slice is on the right
right_colours = len(np.unique((S[:, left:] * 255).astype(np.uint8).reshape(-1, 3), axis=0))
check(right_colours >= 20, f"{right_colours} distinct colours in the field panel (>= 20)")
S, N, A = S[:, :left], N[:, :left], A[:, :left]

# The scar's colour map, read from tools/lobule_pipeline.py (SCAR_RGB_POINTS: x r g b ...).
tree = ast.parse(open(pipeline).read())
points = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
              and getattr(n.targets[0], "id", "") == "SCAR_RGB_POINTS")
P = np.array(points, float).reshape(-1, 4)
f = np.linspace(0, 1, 101)
lut = np.stack([np.interp(f, P[:, 0], P[:, k]) for k in (1, 2, 3)], axis=1)


def scar_coloured(img):
    """Pixels whose colour is on the map, up to shading and a faint grey veil (the
    translucent lobule drawn over it): rgb ~ a * map(f) + b, a in 0.5..1.2, b in 0..0.15."""
    px = img.reshape(-1, 3)
    best = np.full(len(px), np.inf)
    for c in lut:
        coef = np.linalg.lstsq(np.stack([c, np.ones(3)], axis=1), px.T, rcond=None)[0]
        a, b = np.clip(coef[0], 0.5, 1.2), np.clip(coef[1], 0.0, 0.15)
        best = np.minimum(best, np.abs(px - (a[:, None] * c + b[:, None])).max(axis=1))
    sat = (px.max(axis=1) - px.min(axis=1)) / np.maximum(px.max(axis=1), 1e-6)
    return ((best < 0.04) & (sat > 0.5)).reshape(img.shape[:2])


changed = np.abs(S - N).max(axis=2) > 0.1            # what the scar changed
scar = changed & scar_coloured(S)                     # ... drawn in the map's colours
grid = (np.abs(A - N).max(axis=2) > 0.1) & scar_coloured(A)  # every cell: the grid
rows, cols = np.nonzero(grid.sum(axis=1) > 5)[0], np.nonzero(grid.sum(axis=0) > 5)[0]
check(len(rows) > 20 and len(cols) > 20, f"the grid's footprint (threshold -1): rows "
      f"{rows.min() if len(rows) else '-'}..{rows.max() if len(rows) else '-'}, cols "
      f"{cols.min() if len(cols) else '-'}..{cols.max() if len(cols) else '-'}")
if not ok:
    sys.exit(1)
r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1

# The cells, from the .vti the picture shows (the last output).
rd = vtk.vtkXMLImageDataReader()
rd.SetFileName(vti)
rd.Update()
img = rd.GetOutput()
nx, ny, nz = [d - 1 for d in img.GetDimensions()]
x0, x1, y0, y1, _, _ = img.GetBounds()
cd = img.GetCellData()
arr = lambda name: vtk_to_numpy(cd.GetArray(name)).reshape(nz, ny, nx)
C = (arr("collagen") + arr("collagen_x")).max(axis=0)  # seen from above: any layer
label = arr("label")[0]
high = C >= thr
tissue = label != 255
aspect_img = (c1 - c0) / (r1 - r0)
aspect_grid = (x1 - x0) / (y1 - y0)
check(abs(aspect_img / aspect_grid - 1) < 0.05,
      f"footprint {c1 - c0}x{r1 - r0} px has the grid's aspect ({aspect_grid:.3f})")
# Cell (i, j) of each pixel centre: columns run along x, rows down along -y.
px_x = (np.arange(left) + 0.5 - c0) / (c1 - c0) * nx
px_y = (r1 - (np.arange(S.shape[0]) + 0.5)) / (r1 - r0) * ny


def cell_mask(mask2d, dx=0.0, dy=0.0):
    """For every pixel: does the cell under it (shifted by dx, dy pixels) satisfy mask2d?"""
    i = np.floor(px_x + dx * nx / (c1 - c0)).astype(int)
    j = np.floor(px_y - dy * ny / (r1 - r0)).astype(int)
    inside = (i[None, :] >= 0) & (i[None, :] < nx) & (j[:, None] >= 0) & (j[:, None] < ny)
    out = np.zeros((len(j), len(i)), bool)
    jj, ii = np.clip(j, 0, ny - 1), np.clip(i, 0, nx - 1)
    out[inside] = mask2d[jj[:, None], ii[None, :]][inside]
    return out


px_per_cell = (c1 - c0) * (r1 - r0) / (nx * ny)
expected = high.sum() * px_per_cell
print(f"grid {nx}x{ny}x{nz} cells, {px_per_cell:.1f} px each; {tissue.sum()} tissue cells, "
      f"{(label == 7).sum()} septum (label 7) and {(label == 6).sum()} portal tract cells; "
      f"{high.sum()} cells with C >= {thr:g} (expect {expected:.0f} scar px)")
check(scar.sum() > 0, f"scar-coloured pixels appear: {scar.sum()}")
check(0.8 < scar.sum() / expected < 1.25,
      f"scar area {scar.sum()} px = {scar.sum() / expected:.3f} x that of the cells with "
      f"C >= {thr:g} (0.8 .. 1.25)")
# Edges are anti-aliased (FXAA blends up to 2 px): judge the colour on the pixels 3 px
# or more inside the changed area.
core = changed.copy()
for _ in range(3):
    inner = core.copy()
    inner[1:, :] &= core[:-1, :]
    inner[:-1, :] &= core[1:, :]
    inner[:, 1:] &= core[:, :-1]
    inner[:, :-1] &= core[:, 1:]
    core = inner
core[:r0], core[r1:], core[:, :c0], core[:, c1:] = False, False, False, False
frac = (core & scar).sum() / max(core.sum(), 1)
check(frac > 0.97, f"{100 * frac:.1f}% of the {core.sum()} pixels the scar changed (less a "
      "3 px rim) are in the scar's colours (> 97%)")
gone = (scar & scar_coloured(N)).sum()
check(gone <= 0.01 * scar.sum(), f"threshold above every C: {gone} of those pixels keep a "
      "scar colour (<= 1%)")
near = np.zeros_like(scar)
for dx in (-1.5, 0, 1.5):  # a pixel on a cell's edge may map to its neighbour
    for dy in (-1.5, 0, 1.5):
        near |= cell_mask(high, dx, dy)
inside = (scar & near).sum() / scar.sum()
check(inside > 0.97, f"{100 * inside:.1f}% of the scar pixels lie on cells with C >= {thr:g} "
      "(> 97%)")
ys, xs = np.nonzero(scar)
tiss = cell_mask(tissue)
ty, tx = np.nonzero(tiss)
check(xs.min() >= tx.min() - 1 and xs.max() <= tx.max() + 1 and ys.min() >= ty.min() - 1
      and ys.max() <= ty.max() + 1,
      f"scar bounding box x {xs.min()}..{xs.max()}, y {ys.min()}..{ys.max()} inside the "
      f"lobule's x {tx.min()}..{tx.max()}, y {ty.min()}..{ty.max()}")
jc, ic = np.nonzero(high)  # the centre pixel of every high-collagen cell
pc = np.round(c0 + (ic + 0.5) / nx * (c1 - c0) - 0.5).astype(int)
pr = np.round(r1 - (jc + 0.5) / ny * (r1 - r0) - 0.5).astype(int)
hit = scar[pr, pc].mean()
check(hit > 0.95, f"{100 * hit:.1f}% of the cells with C >= {thr:g} show scar at their "
      "centre (> 95%)")
sys.exit(0 if ok else 1)
EOF

# What the views show (--describe), checked against the picture's pixels.
"$py" "$src/tests/tools/check_render_json.py" "$tmp/scar.json" \
  --view scar --bar "cross-linked fraction [–]" --time-label "day 1" --background 1,1,1 \
  --camera top --view field --bar "MMP [ng/mL]" --time-label "day 1" --background 1,1,1 \
  --camera top || fail "--describe: content checks"
# Black background, the zonal cut.
out=$("${render[@]}" --camera zonal --background black --size 320 160 --out "$tmp/zonal.png" \
      --describe 2>&1) || fail "render_scar --camera zonal failed: $out"
"$py" "$src/tests/tools/check_render_json.py" "$tmp/zonal.json" \
  --view scar --bar "cross-linked fraction [–]" --time-label "day 1" --background 0,0,0 \
  --camera zonal --view field --bar "MMP [ng/mL]" --time-label "day 1" --background 0,0,0 \
  --camera zonal --title-has "(zonal)" || fail "--camera zonal --background black: content checks"

# A time without an output is refused, naming the nearest ones; --nearest takes the nearest.
rc=0
out=$("${render[@]}" --day 0.25 --out "$tmp/quarter.png" 2>&1) || rc=$?
[ "$rc" -eq 2 ] || fail "--day 0.25 (no output there): exit $rc, not 2: $out"
grep -q "render_scar: no output at day 0.25 .*the nearest outputs are day 0 (t = 0 s) and day 1 (t = 86400 s)" \
  <<<"$out" || fail "--day 0.25: the message does not name the nearest outputs: $out"
! grep -q Traceback <<<"$out" || fail "--day 0.25: traceback: $out"
[ ! -e "$tmp/quarter.png" ] || fail "--day 0.25 wrote a picture"
echo "ok:   --day 0.25: exit 2, $(grep -m1 'no output' <<<"$out")"
out=$("${render[@]}" --day 0.25 --nearest --size 320 160 --out "$tmp/quarter.png" --describe 2>&1) ||
  fail "--day 0.25 --nearest failed: $out"
grep -q "render_scar: no output at day 0.25; --nearest: rendering the nearest output, day 0 (t = 0 s)" \
  <<<"$out" || fail "--nearest does not say which output it used: $out"
grep -q "render_scar: wrote $tmp/quarter.png (day 0, t = 0 s" <<<"$out" || fail "--nearest: $out"
"$py" "$src/tests/tools/check_render_json.py" "$tmp/quarter.json" --view scar --time-label "day 0" \
  --view field --time-label "day 0" || fail "--nearest: the picture's time label"
echo "ok:   --day 0.25 --nearest: $(grep -m1 'nearest output' <<<"$out")"

# A movie of the two outputs, or the message that ffmpeg is missing.
rc=0
out=$("${render[@]}" --size 320 160 --all --out-dir "$tmp/frames" --movie "$tmp/scar.mp4" 2>&1) ||
  rc=$?
if command -v ffmpeg >/dev/null; then
  [ "$rc" -eq 0 ] || fail "movie: exit $rc: $out"
  grep -q "wrote $tmp/scar.mp4 (2 frames" <<<"$out" || fail "movie: no 'wrote' line: $out"
  [ -s "$tmp/scar.mp4" ] || fail "movie: $tmp/scar.mp4 missing or empty"
  [ -s "$tmp/frames/scar_000000.png" ] && [ -s "$tmp/frames/scar_000001.png" ] ||
    fail "movie: frames missing"
  if command -v ffprobe >/dev/null; then
    n=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames \
        -of csv=p=0 "$tmp/scar.mp4")
    [ "$n" = 2 ] || fail "movie: $n frames, not 2"
  fi
  echo "ok:   movie $(stat -c %s "$tmp/scar.mp4") bytes, 2 frames"
else
  [ "$rc" -eq 2 ] && grep -q "render_scar: --movie needs ffmpeg" <<<"$out" ||
    fail "movie without ffmpeg: exit $rc, not 2 with a message: $out"
  echo "ffmpeg not installed: movie part skipped (the missing-ffmpeg message, exit 2: ok)"
fi

# The GUI state script, headless.
out=$("$pvb" "$src/tools/lobule_state.py" "$tmp/run" --check 2>&1) ||
  fail "lobule_state --check failed: $out"
echo "$out" | grep "^lobule_state:" || true
for want in "time steps: 2 " "cell arrays: .*collagen_x" "sources: .*scar" \
            "sources: .*lobule" "sources: .*central vein" "slice: hgf at z = 15 um" \
            "views: 2" "pipeline ok"; do
  grep -q "lobule_state: $want" <<<"$out" || fail "lobule_state --check lacks '$want'"
done

# User errors: exit 2, a message, no traceback.
expect_error() {  # WHAT PATTERN COMMAND...
  local what=$1 pattern=$2 rc=0 out
  shift 2
  out=$("$@" 2>&1) || rc=$?
  [ "$rc" -eq 2 ] || fail "$what: exit $rc, not 2: $out"
  grep -q "$pattern" <<<"$out" || fail "$what: no message '$pattern': $out"
  ! grep -q "Traceback" <<<"$out" || fail "$what: traceback: $out"
  echo "ok:   $what: exit 2, $(grep -m1 "$pattern" <<<"$out")"
}
expect_error "wrong path" "render_scar: .*no such run" \
  "$pvb" "$src/tools/render_scar.py" "$tmp/nowhere" --out "$tmp/x.png"
expect_error "unknown field" "render_scar: unknown field 'nosuch'" \
  "$pvb" "$src/tools/render_scar.py" "$tmp/run" --field nosuch --out "$tmp/x.png"
expect_error "time outside the run" "render_scar: day 5 is outside the run" \
  "$pvb" "$src/tools/render_scar.py" "$tmp/run" --day 5 --out "$tmp/x.png"
expect_error "bad background" "render_scar: --background pink: give white, black or R,G,B" \
  "$pvb" "$src/tools/render_scar.py" "$tmp/run" --background pink --out "$tmp/x.png"
expect_error "lobule_state, wrong path" "lobule_state: .*no such run" \
  "$pvb" "$src/tools/lobule_state.py" "$tmp/nowhere" --check
[ ! -e "$tmp/x.png" ] || fail "a failed render left $tmp/x.png"
echo "render_scar: ok"

#!/usr/bin/env bash
# Opens a fresh run's fields.pvd in ParaView (pvbatch) and renders a slice: the results a
# user gets must load in ParaView with their time steps and arrays, and the picture shows the
# field (pixels: its size, the colours of the map, the slice drawn over much of it) drawn for
# print (--describe, read back from ParaView's view objects, and checked against the pixels:
# a white background, the colour bar "TGF-β [ng/mL]" with ticks in one format, the time label,
# a scale bar in µm drawn where it is said to be; --background black). A time without an
# output: exit 2 naming the nearest outputs; --nearest renders the nearest and says which.
#   test_render_fields.sh LOBULE_EXE SOURCE_DIR      (exit 77 = skipped: no ParaView or numpy)
set -euo pipefail
exe=$1; src=$2
command -v pvbatch >/dev/null || { echo "pvbatch not installed: skipped"; exit 77; }
[ -d /opt/lobule/paraview-python ] || { echo "ParaView Python modules missing: skipped"; exit 77; }
. "$(dirname "$0")/common.sh"
python_with numpy PIL
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_render_fields: FAIL: $*" >&2; exit 1; }
"$exe" run "$src/inputs/pulse.yaml" -o "$tmp/demo" -q --set time.end=10s --set output.every=5s
render=("$src/tools/pvbatch.sh" "$src/tools/render_fields.py" "$tmp/demo/fields.pvd" --array tgfb)
out=$("${render[@]}" --out "$tmp/tgfb.png" --size 640 480 --describe 2>&1)
echo "$out"
grep -q "time steps: 3 (0 .. 10 s)" <<<"$out"
grep -q "arrays: .*label.*tgfb" <<<"$out"
# Measured: 607 colours, 48% of the pixels off the white background (a blank view: 1 and 0%).
"$py" "$(dirname "$0")/check_png.py" "$tmp/tgfb.png" --size 640x480 --colours 150 --drawn 0.15
"$py" "$(dirname "$0")/check_render_json.py" "$tmp/tgfb.json" --view field \
  --bar "TGF-β [ng/mL]" --time-label "t = 10 s" --background 1,1,1 --camera top ||
  fail "--describe: content checks"

# Black background; a time without an output; --nearest.
out=$("${render[@]}" --time 5 --background black --out "$tmp/black.png" --size 320 240 \
      --describe 2>&1) || fail "--background black: $out"
"$py" "$(dirname "$0")/check_render_json.py" "$tmp/black.json" --view field \
  --bar "TGF-β [ng/mL]" --time-label "t = 5 s" --background 0,0,0 || fail "--background black"
rc=0
out=$("${render[@]}" --time 7 --out "$tmp/t7.png" 2>&1) || rc=$?
[ "$rc" -eq 2 ] || fail "--time 7 (no output there): exit $rc, not 2: $out"
grep -q "render_fields: no output at t = 7 s: the nearest outputs are t = 5 s and t = 10 s" \
  <<<"$out" || fail "--time 7: the message does not name the nearest outputs: $out"
! grep -q Traceback <<<"$out" || fail "--time 7: traceback: $out"
[ ! -e "$tmp/t7.png" ] || fail "--time 7 wrote a picture"
echo "ok:   --time 7: exit 2, $(grep -m1 'no output' <<<"$out")"
out=$("${render[@]}" --time 7 --nearest --out "$tmp/t7.png" --size 320 240 --describe 2>&1) ||
  fail "--time 7 --nearest: $out"
grep -q "render_fields: no output at t = 7 s; --nearest: rendering the nearest output, t = 5 s" \
  <<<"$out" || fail "--nearest does not say which output it used: $out"
"$py" "$(dirname "$0")/check_render_json.py" "$tmp/t7.json" --view field --time-label "t = 5 s" ||
  fail "--nearest: the picture's time label"
rc=0
out=$("${render[@]}" --array nosuch --out "$tmp/x.png" 2>&1) || rc=$?
[ "$rc" -eq 2 ] && grep -q "render_fields: no cell array 'nosuch'" <<<"$out" ||
  fail "unknown array: exit $rc: $out"
echo "render_fields: ok"

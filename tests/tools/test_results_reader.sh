#!/usr/bin/env bash
# tools/lobule_results.py against the outputs of a fresh run of the CLI: the output times are
# those of fields.pvd, series[...] are the columns of timeseries.csv, and each tgfb/ev field
# summed over the voxels times the voxel volume is the run's own <species>_total at that time
# (1e-6 relative); the arrays are shaped (nz, ny, nx) = cells per axis of the .vti files, with
# x fastest (a Gaussian's peak on a non-cubic box lands on the right cell). A wrong path and an
# unknown field are ResultsError / exit 2 with a message and no traceback.
#   test_results_reader.sh LOBULE_EXE SOURCE_DIR   (exit 77 = skipped: no Python with numpy,
#                                                   PyYAML and VTK)
set -euo pipefail
exe=$1; src=$2
. "$(dirname "$0")/common.sh"
python_with numpy yaml vtk
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tool=$src/tools/lobule_results.py

"$exe" run "$src/inputs/pulse.yaml" -o "$tmp/pulse" -q --set time.end=10s --set output.every=5s
# The same on a 200 x 100 x 50 um box with the Gaussian centred on the cell (30, 10, 5).
"$exe" run "$src/inputs/pulse.yaml" -o "$tmp/box" -q --set time.end=10s --set output.every=5s \
  --set 'geometry.size=[200 um, 100 um, 50 um]' \
  --set 'species.0.initial.center=[152.5 um, 52.5 um, 27.5 um]'

PYTHONPATH="$src/tools" "$py" - "$tmp" <<'EOF'
import csv, os, re, sys
import xml.etree.ElementTree as ET
import numpy as np
from lobule_results import Run, ResultsError

tmp = sys.argv[1]
def check(cond, what):
    if not cond:
        print(f"FAILED: {what}")
        sys.exit(1)

run = Run(os.path.join(tmp, "pulse"))
check(run.name == "pulse", f"name {run.name!r}")
check(run.doses() == [], f"doses of a run without therapy: {run.doses()}")
# Times: those of fields.pvd, read here on their own.
pvd = ET.parse(os.path.join(tmp, "pulse", "fields.pvd")).getroot()
pvd_times = [float(d.get("timestep")) for d in pvd.iter("DataSet")]
pvd_files = [d.get("file") for d in pvd.iter("DataSet")]
check(pvd_times == [0.0, 5.0, 10.0], f"fields.pvd times {pvd_times}")
check(list(run.times) == pvd_times, f"run.times {list(run.times)} != fields.pvd {pvd_times}")
# Series: the columns of timeseries.csv, read here with the csv module.
with open(os.path.join(tmp, "pulse", "timeseries.csv")) as f:
    rows = list(csv.DictReader(f))
check(run.columns == list(rows[0].keys()), f"columns {run.columns}")
for col in rows[0]:
    check(np.array_equal(run.series[col], [float(r[col]) for r in rows]), f"series[{col!r}]")
# Fields: shape = cells per axis of the .vti (WholeExtent), spacing 5 um, and the totals.
for i, t in enumerate(pvd_times):
    with open(os.path.join(tmp, "pulse", pvd_files[i]), "rb") as f:
        head = f.read(4096).decode("latin-1")
    ext = [int(v) for v in re.search(r'WholeExtent="([^"]+)"', head).group(1).split()]
    cells = (ext[5] - ext[4], ext[3] - ext[2], ext[1] - ext[0])
    check(cells == (40, 40, 40), f"WholeExtent {ext}: 200 um / 5 um = 40 cells per axis")
    fl = run.fields(time=t)
    check(fl.time == t and fl.index == i, f"fields(time={t}) gave t={fl.time}, index {fl.index}")
    check(sorted(fl.arrays) == ["ev", "label", "tgfb"], f"arrays {sorted(fl.arrays)}")
    check(fl.spacing == (5.0, 5.0, 5.0), f"spacing {fl.spacing}")
    for name in ("tgfb", "ev"):
        a = fl.arrays[name]
        check(a.shape == cells, f"{name} shape {a.shape} != {cells}")
        total = float(a.astype(np.float64).sum()) * 125.0
        want = run.series[name + "_total"][i]
        rel = abs(total - want) / max(abs(want), 1e-300)
        print(f"t = {t:g} s: sum({name}) x 125 um^3 = {total:.10g}, {name}_total = {want:.10g}, "
              f"relative difference {rel:.2e}")
        if want == 0:
            check(total == 0, f"{name} at t={t}: sum {total}, want 0")
        else:
            check(rel <= 1e-6, f"{name} at t={t}: sum x volume {total} vs {name}_total {want}")
# Nearest output and index selection.
try:
    run.fields(time=6.9, names="tgfb")
    check(False, "time=6.9 s has no output: an error")
except ResultsError as e:
    check("nearest: 0 s, 5 s, 10 s" in str(e), f"time=6.9 s: the error names the nearest ({e})")
import warnings
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    check(run.fields(time=6.9, names="tgfb", nearest=True).time == 5.0,
          "time=6.9 s, nearest=True: the output at 5 s")
    check(any("using the nearest, 5 s" in str(x.message) for x in w), "... with a warning")
check(run.fields(time="5 s", names="tgfb").time == 5.0, "time='5 s' with a unit")
check(run.fields(index=-1, names=["ev"]).time == 10.0, "index -1 is the last output")
# Orientation: (nz, ny, nx), x fastest; the Gaussian's peak at cell (x 30, y 10, z 5).
box = Run(os.path.join(tmp, "box"))
fl = box.fields(index=0, names=["tgfb"])
a = fl.arrays["tgfb"]
check(a.shape == (10, 20, 40), f"200 x 100 x 50 um box: shape {a.shape}, want (10, 20, 40)")
peak = np.unravel_index(int(np.argmax(a)), a.shape)
check(tuple(int(v) for v in peak) == (5, 10, 30), f"peak at (z, y, x) = {peak}, want (5, 10, 30)")
cz, cy, cx = fl.centers()
check((cx[30], cy[10], cz[5]) == (152.5, 52.5, 27.5), "cell centres of the peak")
check(abs(float(a.astype(np.float64).sum()) * fl.voxel_volume - box.series["tgfb_total"][0])
      <= 1e-6 * box.series["tgfb_total"][0], "box: tgfb total")
# Errors: ResultsError with a message.
for bad, want in ((os.path.join(tmp, "nowhere"), "no such directory"),
                  (tmp, "not a lobule run directory")):
    try:
        Run(bad)
        check(False, f"Run({bad!r}) did not raise")
    except ResultsError as e:
        check(want in str(e), f"Run({bad!r}): message {e!r}")
try:
    run.fields(names=["tgfb", "collagen"])
    check(False, "unknown field did not raise")
except ResultsError as e:
    check("collagen" in str(e) and "tgfb, ev, label" in str(e), f"unknown field: {e!r}")
print("API checks passed")
EOF

# The command: a summary, and exit 2 with a message but no traceback for user errors.
out=$("$py" "$tool" "$tmp/pulse" --field tgfb --time 5)
echo "$out"
grep -q "^name: *pulse" <<<"$out"
grep -q "^fields: *tgfb, ev, label" <<<"$out"
grep -q "cells (nz, ny, nx) = (40, 40, 40), spacing (5.0, 5.0, 5.0)" <<<"$out"
expect_fail "no such directory" "$tmp/nowhere"
expect_fail "not a lobule run directory" "$tmp"
mkdir "$tmp/partial"; cp "$tmp/pulse/config.yaml" "$tmp/partial/"
expect_fail "timeseries.csv is missing" "$tmp/partial"
expect_fail "no field 'hep' .*(fields: tgfb, ev, label)" "$tmp/pulse" --field hep
"$py" "$tool" --help >/dev/null
echo "results_reader: ok"

#!/usr/bin/env bash
# Opens a fresh run's fields.pvd in ParaView (pvbatch) and renders a slice: the results a
# user gets must load in ParaView with their time steps and arrays, and the picture shows the
# field (pixels: its size, the colours of the map, the slice drawn over much of it).
#   test_render_fields.sh LOBULE_EXE SOURCE_DIR      (exit 77 = skipped: no ParaView or numpy)
set -euo pipefail
exe=$1; src=$2
command -v pvbatch >/dev/null || { echo "pvbatch not installed: skipped"; exit 77; }
[ -d /opt/lobule/paraview-python ] || { echo "ParaView Python modules missing: skipped"; exit 77; }
. "$(dirname "$0")/common.sh"
python_with numpy PIL
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$exe" run "$src/inputs/pulse.yaml" -o "$tmp/demo" -q --set time.end=10s --set output.every=5s
out=$("$src/tools/pvbatch.sh" "$src/tools/render_fields.py" "$tmp/demo/fields.pvd" \
      --array tgfb --out "$tmp/tgfb.png" --size 640 480 2>&1)
echo "$out"
grep -q "time steps: 3 (0 .. 10 s)" <<<"$out"
grep -q "arrays: .*label.*tgfb" <<<"$out"
# Measured: 564 colours, 36% of the pixels off ParaView's background (a blank view: 1 and 0%).
"$py" "$(dirname "$0")/check_png.py" "$tmp/tgfb.png" --size 640x480 --colours 150 --drawn 0.15
echo "render_fields: ok"

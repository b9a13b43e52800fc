#!/usr/bin/env bash
# Writes a tiled F4 lobule with `lobule geometry` and renders it with
# tools/render_geometry.py (pvbatch): the geometry file a user gets must load in ParaView
# with its label and zone arrays, and the picture shows the lobule (pixels: its size, the label
# and zone colours, the tissue drawn over much of it).
#   test_render_geometry.sh LOBULE_EXE SOURCE_DIR      (exit 77 = skipped: no ParaView or numpy)
set -euo pipefail
exe=$1; src=$2
command -v pvbatch >/dev/null || { echo "pvbatch not installed: skipped"; exit 77; }
[ -d /opt/lobule/paraview-python ] || { echo "ParaView Python modules missing: skipped"; exit 77; }
. "$(dirname "$0")/common.sh"
python_with numpy PIL
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$exe" geometry "$src/inputs/lobule_F4_tiled.yaml" -o "$tmp/f4.vti" >/dev/null
out=$("$src/tools/pvbatch.sh" "$src/tools/render_geometry.py" "$tmp/f4.vti" "$tmp/f4.png" \
      --title F4 --width 900 --height 300 2>&1)
echo "$out" | grep -v INFO
grep -q "arrays: label zone" <<<"$out"
grep -q "label range: 0 .. 255" <<<"$out"
# Measured: 10408 colours, 31% of the pixels off the background, 12% coloured; its three
# panels (labels, zone, sinusoids) drawn over 35, 32 and 47% of their pixels.
"$py" "$(dirname "$0")/check_png.py" "$tmp/f4.png" --size 900x300 --colours 2000 --drawn 0.15 \
  --coloured 0.05 --drawn-box 0,0.1,0.33,0.9 0.15 --drawn-box 0.33,0.1,0.66,0.9 0.15 \
  --drawn-box 0.66,0.1,1,0.9 0.2
echo "render_geometry: ok"

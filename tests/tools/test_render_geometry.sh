#!/usr/bin/env bash
# Writes a tiled F4 lobule with `lobule geometry` and renders it with
# tools/render_geometry.py (pvbatch): the geometry file a user gets must load in ParaView
# with its label and zone arrays.
#   test_render_geometry.sh LOBULE_EXE SOURCE_DIR      (exit 77 = skipped: no ParaView)
set -euo pipefail
exe=$1; src=$2
command -v pvbatch >/dev/null || { echo "pvbatch not installed: skipped"; exit 77; }
[ -d /opt/lobule/paraview-python ] || { echo "ParaView Python modules missing: skipped"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$exe" geometry "$src/inputs/lobule_F4_tiled.yaml" -o "$tmp/f4.vti" >/dev/null
out=$("$src/tools/pvbatch.sh" "$src/tools/render_geometry.py" "$tmp/f4.vti" "$tmp/f4.png" \
      --title F4 --width 900 --height 300 2>&1)
echo "$out" | grep -v INFO
grep -q "arrays: label zone" <<<"$out"
grep -q "label range: 0 .. 255" <<<"$out"
[ -s "$tmp/f4.png" ]
echo "render_geometry: ok"

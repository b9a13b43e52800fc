#!/usr/bin/env bash
# Regenerates the geometry pictures of docs/geometry.md from the example scenarios, at a
# finer spacing than the scenarios use:  tools/make_geometry_images.sh [BUILD_DIR [OUT_DIR]]
# (OUT_DIR default docs/images)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=${2:-$root/docs/images}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
"$build/lobule" geometry "$root/inputs/lobule_F0.yaml" -o "$tmp/F0.vti" \
  --set 'grid.spacing=2 um' >/dev/null
"$build/lobule" geometry "$root/inputs/lobule_F4_tiled.yaml" -o "$tmp/F4.vti" \
  --set 'grid.spacing=2.5 um' >/dev/null
"$root/tools/pvbatch.sh" "$root/tools/render_geometry.py" "$tmp/F0.vti" \
  "$out/lobule_F0.png" --title "F0, one lobule" --width 1260 --height 430
"$root/tools/pvbatch.sh" "$root/tools/render_geometry.py" "$tmp/F4.vti" \
  "$out/lobule_F4_tiled.png" --title "F4, 2 x 2 lobules" --width 1260 --height 430 \
  --slice-z 0.25

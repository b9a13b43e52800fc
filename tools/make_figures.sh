#!/usr/bin/env bash
# Regenerates every picture of the README and docs/ from the shipped scenarios, in one go:
#   tools/make_figures.sh [--runs DIR] [--out DIR]
#     --runs DIR  where the runs go (default: runs; reused by make_gallery.sh when current)
#     --out DIR   where the pictures go (default: docs/images, the ones the README shows)
# What it makes (about 9 minutes on 2 cores, most of it the convergence study's runs):
#   lobule_F0.png, lobule_F4_tiled.png   tools/make_geometry_images.sh (geometry section)
#   liver_targets.png                     plot_targets.py on ccl4_4wk and ccl4_12wk
#   demo_tgfb.png                         render_fields.py: the TGF-β pulse at 30 s
#   gallery/*.png                         tools/make_gallery.sh (CPA of the arms, scar renders)
#   msc_lhs_tornado.png                   lobule sweep + sensitivity of inputs/sweeps/msc_lhs.yaml
#   convergence.png                       tools/convergence.py + plot_convergence.py (7 minutes)
# Needs the built lobule (LOBULE, default build/lobule), .venv (tools/install-deps.sh) for the
# plots and ParaView (tools/pvbatch.sh) for the renders. Exit status: 0 when everything was
# made; 2 for a bad option or something missing; else the failing step's.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=runs out=docs/images
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:?--runs needs a folder}; shift 2 ;;
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "make_figures.sh: unknown option $1 (--runs DIR, --out DIR)" >&2; exit 2 ;;
  esac
done
case $runs in /*) ;; *) runs=$PWD/$runs ;; esac
case $out in /*) ;; *) out=$root/$out ;; esac
lobule=${LOBULE:-$root/build/lobule}
case $lobule in /*) ;; *) lobule=$PWD/$lobule ;; esac
py=$root/.venv/bin/python
for need in "$lobule" "$py"; do
  [ -x "$need" ] || { echo "make_figures.sh: $need is missing (build, or tools/install-deps.sh)" >&2; exit 2; }
done
mkdir -p "$runs" "$out/gallery"
cd "$root"
echo "make_figures.sh: $lobule, runs in $runs, pictures in $out"

tools/make_geometry_images.sh "$(dirname "$lobule")" "$out"

for s in ccl4_4wk ccl4_12wk; do
  "$lobule" run "inputs/$s.yaml" -o "$runs/targets/$s" -q >/dev/null
done
"$py" tools/plot_targets.py "$runs/targets" --out "$out/liver_targets.png"

"$lobule" run inputs/pulse.yaml -o "$runs/pulse" -q >/dev/null
tools/pvbatch.sh tools/render_fields.py "$runs/pulse" --array tgfb --time 30 \
  --out "$out/demo_tgfb.png"

LOBULE=$lobule tools/make_gallery.sh --runs "$runs" --out "$out/gallery"

"$lobule" sweep inputs/sweeps/msc_lhs.yaml --out "$runs/msc_lhs" --quiet
"$lobule" sensitivity "$runs/msc_lhs" >/dev/null
cp "$runs/msc_lhs/tornado.png" "$out/msc_lhs_tornado.png"

"$py" tools/convergence.py --lobule "$lobule" --keep "$runs/convergence" \
  --out "$runs/convergence" >/dev/null
"$py" tools/plot_convergence.py "$runs/convergence/convergence.csv" --out "$out/convergence.png"
echo "make_figures.sh: done"

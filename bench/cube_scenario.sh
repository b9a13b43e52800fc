#!/usr/bin/env bash
# The end-to-end run of the speed issue as a scenario: an n³ box of 5 µm voxels with 8 species
# (D = 10…80 µm²/s), 500 explicit steps of 0.05 s, two outputs (t = 0 and the end).
#   bench/cube_scenario.sh N OUT.yaml [COMPRESSION]
#   lobule run OUT.yaml   # its log ends with the wall time of steps, checks, outputs and set-up
set -eu
n=$1; out=$2; compression=${3:-zlib}
{
echo "name: cube_${n}_8"
echo "grid: { spacing: \"5 um\" }"
echo "geometry: { kind: box, size: [\"$((5*n)) um\", \"$((5*n)) um\", \"$((5*n)) um\"] }"
echo "species:"
for s in 0 1 2 3 4 5 6 7; do
  echo "  - { name: s$s, diffusivity: \"$((10+10*s)) um^2/s\", decay: \"0.001 1/s\", initial: { kind: gaussian, center: [\"$((5*n/2)) um\", \"$((5*n/2)) um\", \"$((5*n/2)) um\"], sigma: \"$((n/4*5)) um\", peak: 1 } }"
done
echo "time: { end: \"25 s\", dt: \"0.05 s\", scheme: explicit }"
echo "output: { every: \"25 s\", fields: all, compression: $compression }"
echo "precision: float"
} > "$out"

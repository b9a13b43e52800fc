#!/usr/bin/env bash
# Builds bench/biofvm/pulse_biofvm.cpp against a BioFVM source tree (its .cpp files, unmodified),
# for the comparison in bench/RESULTS.md:
#   bench/biofvm/build.sh /path/to/BioFVM [out-dir]      # default out-dir: build-biofvm
# BioFVM needs pugixml: apt-get install libpugixml-dev. Flags: the portable x86-64 baseline with
# -O3 and OpenMP, as lobule's release build (BioFVM's own Makefile uses -march=core2).
set -euo pipefail
src=${1:?usage: build.sh BIOFVM_SOURCE_DIR [OUT_DIR]}
out=${2:-build-biofvm}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
flags=(-O3 -fopenmp -march=x86-64 -std=c++11 -I"$src")
objs=()
for f in vector matlab utilities mesh microenvironment solvers basic_agent agent_container MultiCellDS; do
  o="$out/BioFVM_$f.o"
  [ "$o" -nt "$src/BioFVM_$f.cpp" ] || g++ "${flags[@]}" -c "$src/BioFVM_$f.cpp" -o "$o"
  objs+=("$o")
done
g++ "${flags[@]}" "$here/pulse_biofvm.cpp" "${objs[@]}" -lpugixml -o "$out/pulse_biofvm"
echo "built $out/pulse_biofvm"

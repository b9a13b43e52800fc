#!/usr/bin/env bash
# Fuzzes the config/units parser, the checkpoint reader and the .vti readers with libFuzzer for
# a bounded time.
#
#   tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 30 s each; config units checkpoint vti)
#   LOBULE_FUZZ_RUNS=N tools/fuzz.sh                    (N inputs per target, seed 1: CI)
#
# Builds the targets of fuzz/ with clang, AddressSanitizer and UBSan in build-fuzz/ (or
# $LOBULE_FUZZ_BUILD), then runs each on fuzz/corpus/TARGET and fuzz/regressions/TARGET.
# New interesting inputs go to a scratch directory, not into the repository. A crash, a
# sanitizer report, a timeout or a broken invariant writes the input to fuzz/regressions/
# TARGET/ and makes the script fail: fix the bug and commit the file, which
# tests/test_fuzz_regressions.cpp then replays in every build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(config units checkpoint vti)
build=${LOBULE_FUZZ_BUILD:-$root/build-fuzz}

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLOBULE_FUZZ=ON -DLOBULE_CUDA=OFF -DLOBULE_TESTS=OFF -DLOBULE_BENCH=OFF >/dev/null
cmake --build "$build" -j2 --target "${targets[@]/#/fuzz_}"

status=0
for t in "${targets[@]}"; do
  if [ -n "${LOBULE_FUZZ_RUNS:-}" ]; then
    echo "fuzz.sh: fuzz_$t for $LOBULE_FUZZ_RUNS runs (seed 1)"
  else
    echo "fuzz.sh: fuzz_$t for $seconds s"
  fi
  scratch=$(mktemp -d)
  dict=()
  [ -f "$root/fuzz/$t.dict" ] && dict=(-dict="$root/fuzz/$t.dict")
  mkdir -p "$root/fuzz/regressions/$t"
  # A fixed number of runs bounds the CI run (with a fixed seed; the path the fuzzer takes
  # still differs from run to run, as its coverage does); a time bound explores more for a
  # developer.
  bound=(-max_total_time="$seconds")
  # VTK's XML reader leaks its arrays on some error paths of damaged files; that is VTK's, not a
  # crash or a wrong result, so leak reports are off for the .vti target.
  leaks=1
  [ "$t" = vti ] && bound+=(-detect_leaks=0) && leaks=0
  [ -n "${LOBULE_FUZZ_RUNS:-}" ] && bound=(-runs="$LOBULE_FUZZ_RUNS" -seed=1 "${bound[@]:1}")
  if ! ASAN_OPTIONS="detect_leaks=$leaks${ASAN_OPTIONS:+:$ASAN_OPTIONS}" OMP_NUM_THREADS=1 "$build/fuzz/fuzz_$t" "${dict[@]}" "${bound[@]}" \
      -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
      -artifact_prefix="$root/fuzz/regressions/$t/" \
      "$scratch" "$root/fuzz/corpus/$t" "$root/fuzz/regressions/$t"; then
    echo "fuzz.sh: fuzz_$t found a problem; the input is in fuzz/regressions/$t/" >&2
    status=1
  fi
  rm -rf "$scratch"
done
exit $status

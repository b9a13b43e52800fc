#!/usr/bin/env bash
# The checks that need a GPU, in one bounded run of at most 320 s (one device call): the whole
# test suite in 4 shards at once (the auto backend then picks CUDA and every Suite.Test/cuda
# instance runs), the CUDA benchmarks (explicit step and RKL2 stages at 128³–512³, the liver
# model's steps with rkl2 and implicit, the multigrid solve and sweep), a profile of the explicit kernel by ncu, whole runs (inputs/hour_128.yaml; the
# 512³ × 8 explicit run with two outputs of bench/cube_scenario.sh, without compression), the
# time-to-solution benchmark at 128³ and the pulse of the BioFVM comparison at 200³. Each step
# has its own time limit (SIGKILL: the test binary handles SIGTERM itself); logs go to OUTDIR
# (seven files), a line per step to OUTDIR/summary.txt.
#
#   tools/gpu-check.sh OUTDIR [BIN_DIR]
#
# BIN_DIR holds lobule, lobule_tests, lobule_bench and lobule_bench_cuda (default: this
# checkout's build/ folders); set LOBULE_RUN to a command prefix that runs a program by name
# instead (e.g. a bundle's run.sh) and LOBULE_TEST_EXE to the lobule executable the tests run;
# LOBULE_BENCH_BEFORE to the command of another build's lobule_bench_cuda adds its figures (A/B).
# The tests find the sources through LOBULE_TEST_SOURCE_DIR, set here.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: tools/gpu-check.sh OUTDIR [BIN_DIR]}
bin=${2:-}
mkdir -p "$out"
out=$(cd "$out" && pwd)

prog() {  # the command that runs program $1
  if [ -n "${LOBULE_RUN:-}" ]; then echo "$LOBULE_RUN $1"
  elif [ -n "$bin" ]; then echo "$bin/$1"
  else case $1 in
    lobule) echo "$root/build/lobule" ;;
    lobule_tests) echo "$root/build/tests/lobule_tests" ;;
    *) echo "$root/build/bench/$1" ;;
  esac; fi
}
export LOBULE_TEST_SOURCE_DIR=$root OMP_WAIT_POLICY=passive
if [ -n "$bin" ]; then export LOBULE_TEST_EXE=$bin/lobule; fi

step() {  # step NAME LOG SECONDS COMMAND...: runs it with a hard limit, appends to LOG
  local name=$1 log=$2 limit=$3; shift 3
  local t0=$SECONDS
  echo "=== $name: $*" >> "$out/$log"
  timeout -s KILL "$limit" "$@" >> "$out/$log" 2>&1
  local rc=$?
  echo "$name: exit $rc after $((SECONDS - t0)) s (limit $limit s)" | tee -a "$out/summary.txt"
}

shards() {  # the test suite in 4 processes at once, 4 OpenMP threads each
  local pids=() rc=0 i
  for i in 0 1 2 3; do
    GTEST_TOTAL_SHARDS=4 GTEST_SHARD_INDEX=$i OMP_NUM_THREADS=4 \
      $(prog lobule_tests) --gtest_brief=1 > "$out/shard$i.tmp" 2>&1 &
    pids+=($!)
  done
  for i in 0 1 2 3; do wait "${pids[$i]}" || rc=1; done
  return $rc
}
export -f prog shards
export root bin out

: > "$out/summary.txt"
step gpus info.log 5 nvidia-smi
step info info.log 5 $(prog lobule) info
step tests tests.log 45 bash -c shards
cat "$out"/shard*.tmp >> "$out/tests.log" 2>/dev/null && rm -f "$out"/shard*.tmp
step bench_cuda bench_cuda.log 110 $(prog lobule_bench_cuda) --benchmark_min_time=0.1 \
  --benchmark_filter='<float>/(128/8|256/(1|8)|512/(1|8))/|<double>/256/8/|Liver|Multigrid'
if [ -n "${LOBULE_BENCH_BEFORE:-}" ]; then  # the same benchmarks of another build, for an A/B
  step bench_before bench_cuda.log 30 $LOBULE_BENCH_BEFORE --benchmark_min_time=0.1 \
    --benchmark_filter='<float>/(256/(1|8)|512/8)/|LiverExplicit'
fi
profile() {  # profile NAME KERNEL_REGEX BENCHMARK: one launch of the kernel, after 10
  step "ncu_$1" ncu.log 20 ncu --target-processes all -k "regex:$2" --launch-skip 10 \
    --launch-count 1 --section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy \
    --section LaunchStats $(prog lobule_bench_cuda) --benchmark_min_time=0.05 \
    --benchmark_filter="$3"
}
profile explicit explicit_kernel 'ExplicitStepCuda<float>/256/1/'
runs=$(mktemp -d)
step run_hour_128 runs.log 15 $(prog lobule) run "$root/inputs/hour_128.yaml" -q -o "$runs/hour"
bash "$root/bench/cube_scenario.sh" 512 "$runs/c512.yaml" none
step run_512_none runs.log 40 $(prog lobule) run "$runs/c512.yaml" -q -o "$runs/c512"
du -sh "$runs"/* >> "$out/runs.log" 2>&1
rm -rf "$runs"
step bench_tts schemes.log 20 env LOBULE_BENCH_LADDER_FROM=400 $(prog lobule_bench) \
  --benchmark_filter='BM_TimeToSolution/n:128/problem:./scheme:1/gpu:1'
step bench_pulse schemes.log 25 $(prog lobule_bench) \
  --benchmark_filter='BM_PulseToTolerance/n:200/gpu:1/scheme:.'
grep -hE "PASSED|FAILED|SKIPPED|tests ran" "$out/tests.log" | head -60 \
  >> "$out/summary.txt"

#!/usr/bin/env bash
# The checks that need a GPU, in one bounded run of at most 580 s (one device call): first the
# model, therapy and memory tests whose CUDA paths never ran on a GPU, then the whole test suite
# (the auto backend then picks CUDA and every Suite.Test/cuda instance runs), the CUDA step
# benchmark, the time-to-solution benchmark at 128³ and the pulse of the BioFVM comparison at
# 200³ on the GPU. Each step has its own time limit (SIGKILL: the test binary handles SIGTERM
# itself); logs go to OUTDIR, and a summary line per step to OUTDIR/summary.txt.
#
#   tools/gpu-check.sh OUTDIR [BIN_DIR]
#
# BIN_DIR holds lobule, lobule_tests, lobule_bench and lobule_bench_cuda (default: this
# checkout's build/ folders); set LOBULE_RUN to a command prefix that runs a program by name
# instead (e.g. a bundle's run.sh). The tests find the executable and the sources through
# LOBULE_TEST_EXE and LOBULE_TEST_SOURCE_DIR, set here.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: tools/gpu-check.sh OUTDIR [BIN_DIR]}
bin=${2:-}
mkdir -p "$out"

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

step() {  # step NAME SECONDS COMMAND...: runs it with a hard limit, logs, summarizes
  local name=$1 limit=$2; shift 2
  local t0=$SECONDS
  timeout -s KILL "$limit" "$@" > "$out/$name.log" 2>&1
  local rc=$?
  echo "$name: exit $rc after $((SECONDS - t0)) s (limit $limit s)" | tee -a "$out/summary.txt"
}

: > "$out/summary.txt"
step gpus 10 nvidia-smi -L
step info 10 $(prog lobule) info
step tests_models 90 $(prog lobule_tests) --gtest_brief=1 \
  --gtest_filter='Liver*:FusedLiverCuda*:Therapy*:Driver*:Annihilation*:MemoryEstimate*:CudaMatchesCpu*'
step tests 280 $(prog lobule_tests) --gtest_brief=1
step bench_step 80 $(prog lobule_bench_cuda) --benchmark_filter='/(128|256)/|Liver'
step bench_tts 70 env LOBULE_BENCH_LADDER_FROM=400 $(prog lobule_bench) \
  --benchmark_filter='BM_TimeToSolution/n:128/problem:./scheme:1/gpu:1'
step bench_pulse 40 $(prog lobule_bench) --benchmark_filter='BM_PulseToTolerance/n:200/gpu:1'
grep -E "PASSED|FAILED|SKIPPED" "$out/tests_models.log" "$out/tests.log" | head -30 \
  >> "$out/summary.txt"

// One explicit step of the liver fibrosis model (17 fields, docs/liver_model.md) on the CPU
// backend, on the production lobule of bench_common.hpp's liver_run (5 µm voxels, 120 × 104
// voxels per layer). The bytes counted are what a fused step must move at least
// (liver_bytes_per_voxel); of_copy is that rate against the copy bandwidth measured beside it
// (the target for the fused step: ≥ 0.4 on 2 cores). The same on a GPU:
// BM_LiverExplicitStepCuda in bench_explicit.cu.
#include <algorithm>
#include <chrono>

#include "bench_common.hpp"
#include "host/model/liver_fibrosis.hpp"
#include "host/sim/backend.hpp"

namespace lobule::bench {
namespace {

// Seconds of the steps the benchmark times, each of dt, after one untimed step from t = 0.
template <class T>
double timed_steps(benchmark::State& state, Backend<T>& backend, double dt) {
  backend.step(0.0, dt);  // warm up
  double seconds = 0, t = dt;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    backend.step(t, dt);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    t += dt;
  }
  return seconds;
}

template <class T>
void BM_LiverExplicitStepCpu(benchmark::State& state) {
  const LiverRun<T> l = liver_run<T>(int(state.range(0)), BackendChoice::Cpu);
  const std::size_t field_bytes = l.geometry.voxels() * sizeof(T);
  const double copy_before = host_copy_bandwidth(field_bytes);
  const double seconds = timed_steps(state, *l.backend, l.config.time.dt);
  const double voxels = double(l.geometry.voxels());
  report_throughput(state, voxels * kLiverFields, voxels * liver_bytes_per_voxel<T>(), seconds,
                    std::max(copy_before, host_copy_bandwidth(field_bytes)));
  label_cpu_loops(state);
  state.counters["voxels"] = voxels;
}

// One step of the production scenario's own scheme (rkl2, dt = 1 h: Strang splitting around
// RKL2 super time steps of the 9 diffusing species, hundreds of stages each) from the same
// uniform start; `day_s` is 24 such steps, the "one tissue day" in wall time, and
// `bytes_per_voxel` the backend's state (the memory report of lobule check).
template <class T>
void BM_LiverRkl2StepCpu(benchmark::State& state) {
  const LiverRun<T> l = liver_run<T>(int(state.range(0)), BackendChoice::Cpu, Scheme::Rkl2);
  const double dt = l.config.time.dt;
  const double seconds = timed_steps(state, *l.backend, dt);
  state.counters["day_s"] = 86400 / dt * seconds / double(state.iterations());
  state.counters["bytes_per_voxel"] =
      double(l.backend->state_bytes()) / double(l.geometry.voxels());
  label_cpu_loops(state);
}

// The same with scheme implicit, method range(1): 0 TR-BDF2 (two multigrid solves per species and
// step), 1 backward Euler (one): `day_s` is the one tissue day; `vcycles` the V-cycles per
// solve, averaged over the species and the timed steps.
template <class T>
void BM_LiverImplicitStepCpu(benchmark::State& state) {
  const char* method = state.range(1) == 0 ? "tr_bdf2" : "backward_euler";
  const LiverRun<T> l = liver_run<T>(int(state.range(0)), BackendChoice::Cpu, Scheme::Implicit,
                                     {std::string("time.implicit.method=") + method});
  const double dt = l.config.time.dt;
  l.backend->solver_tally();
  const double seconds = timed_steps(state, *l.backend, dt);
  state.counters["day_s"] = 86400 / dt * seconds / double(state.iterations());
  long long solves = 0, cycles = 0;
  for (const SolverTally& t : l.backend->solver_tally()) solves += t.solves, cycles += t.iterations;
  state.counters["vcycles"] = solves > 0 ? double(cycles) / double(solves) : 0.0;
  state.counters["bytes_per_voxel"] =
      double(l.backend->state_bytes()) / double(l.geometry.voxels());
  label_cpu_loops(state);
}

// 20 layers: the production scenario's 100 µm; 80 layers: a 400 µm slab (1 M voxels).
BENCHMARK_TEMPLATE(BM_LiverExplicitStepCpu, float)
    ->Arg(20)
    ->Arg(80)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_LiverExplicitStepCpu, double)
    ->Arg(20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_LiverImplicitStepCpu, float)
    ->ArgNames({"layers", "be"})
    ->Args({20, 0})
    ->Args({20, 1})
    ->Iterations(24)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_LiverRkl2StepCpu, float)
    ->Arg(20)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace lobule::bench

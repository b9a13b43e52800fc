// RKL2 stages of the diffusion–decay model on the CPU backend: one diffusion sub-step D̃(dt) of
// every species (Backend::diffuse), timed and divided into its stages (bench_explicit.cu: the
// same on a GPU).
#include <algorithm>
#include <chrono>

#include "bench_common.hpp"
#include "host/sim/backend.hpp"

namespace lobule::bench {
namespace {

template <class T>
void BM_Rkl2StageCpu(benchmark::State& state) {
  const int n = int(state.range(0)), species = int(state.range(1));
  const CubeRun<T> cube = cube_run<T>(n, species, BackendChoice::Cpu, Scheme::Rkl2);
  Backend<T>& backend = *cube.backend;
  const double dt = kRkl2StageDt;
  const long long stages = cube.rkl2_stages;
  backend.diffuse(0.0, dt);  // warm up
  const std::size_t field_bytes = std::size_t(double(n) * n * n * sizeof(T));
  const double copy_before = host_copy_bandwidth(field_bytes);
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    backend.diffuse(0.0, dt);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  const double updates = double(n) * n * n * double(stages);
  state.counters["stages"] = double(stages);
  report_throughput(state, updates, updates * rkl2_stage_bytes_per_update<T>(), seconds,
                    std::max(copy_before, host_copy_bandwidth(field_bytes)));
  label_cpu_loops(state);
}

void sizes(benchmark::internal::Benchmark* b) {
  for (int n : {128, 256})
    for (int s : {1, 8}) b->Args({n, s});
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK_TEMPLATE(BM_Rkl2StageCpu, float)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_Rkl2StageCpu, double)->Apply(sizes);

}  // namespace
}  // namespace lobule::bench

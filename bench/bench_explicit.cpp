// The explicit diffusion–decay step on the CPU backend: 64³–256³ voxels, 1/4/8 species.
#include <algorithm>
#include <chrono>

#include "bench_common.hpp"
#include "host/sim/backend.hpp"

namespace lobule::bench {
namespace {

template <class T>
void BM_ExplicitStepCpu(benchmark::State& state) {
  const int n = int(state.range(0)), species = int(state.range(1));
  const CubeRun<T> cube = cube_run<T>(n, species, BackendChoice::Cpu, Scheme::Explicit);
  Backend<T>* backend = cube.backend.get();
  const T dt = T(0.5 * cube.config.time.dt);
  backend->step(0.0, dt);  // warm up
  const std::size_t field_bytes = std::size_t(double(n) * n * n * sizeof(T));
  const double copy_before = host_copy_bandwidth(field_bytes);
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    backend->step(0.0, dt);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  const double updates = double(n) * n * n * species;
  const double bytes = updates * explicit_bytes_per_update<T>();
  report_throughput(state, updates, bytes, seconds,
                    std::max(copy_before, host_copy_bandwidth(field_bytes)));
  label_cpu_loops(state);
}

void sizes(benchmark::internal::Benchmark* b) {
  for (int n : {64, 128, 256})
    for (int s : {1, 4, 8}) b->Args({n, s});
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK_TEMPLATE(BM_ExplicitStepCpu, float)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_ExplicitStepCpu, double)->Apply(sizes);

}  // namespace
}  // namespace lobule::bench

// RKL2 stages of the diffusion–decay model on the CPU backend: one diffusion sub-step D̃(dt) of
// every species (Backend::diffuse), timed and divided into its stages (bench_explicit.cu: the
// same on a GPU).
#include <algorithm>
#include <chrono>

#include "bench_common.hpp"
#include "host/sim/backend.hpp"
#include "host/sim/build_fields.hpp"

namespace lobule::bench {
namespace {

template <class T>
void BM_Rkl2StageCpu(benchmark::State& state) {
  const int n = int(state.range(0)), species = int(state.range(1));
  Config c =
      cube_config(n, species, std::is_same_v<T, double> ? Precision::Double : Precision::Float);
  c.time.scheme = Scheme::Rkl2;
  const Geometry g = make_geometry(c);
  const HostFields<T> f = build_fields<T>(c, g);
  auto backend = make_backend<T>(BackendChoice::Cpu);
  backend->upload(f);
  // 10 s: 14 stages for the slowest species (D = 10 µm²/s) to 39 for the fastest (80 µm²/s).
  const double dt = 10.0;
  const long long stages = rkl2_stages(f, dt);
  backend->diffuse(0.0, dt);  // warm up
  const std::size_t field_bytes = std::size_t(double(n) * n * n * sizeof(T));
  const double copy_before = host_copy_bandwidth(field_bytes);
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    backend->diffuse(0.0, dt);
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

// What an output costs the stepping thread on the host, besides copying the fields out: the
// check that every value is finite and not below −tolerance·max(1, max u)
// (check_finite_non_negative) and the CSV row of totals and means (observables), on n³ voxels
// with `species` fields (the diffusion–decay cube of bench_common). Each pass reads every value
// once: the bytes counted are 2 reads per voxel and field and the labels (the means' mask).
#include <chrono>

#include "bench_common.hpp"
#include "host/sim/build_fields.hpp"
#include "host/sim/observables.hpp"

namespace lobule::bench {
namespace {

template <class T>
void BM_OutputHostCheck(benchmark::State& state) {
  const int n = int(state.range(0)), species = int(state.range(1));
  const Config c = cube_config(n, species, precision_of<T>());
  const Geometry g = make_geometry(c);
  const HostFields<T> f = build_fields<T>(c, g);
  const double voxels = double(n) * n * n;
  const std::size_t field_bytes = std::size_t(voxels * sizeof(T));
  const double copy_before = host_copy_bandwidth(field_bytes);
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    check_finite_non_negative(f, g, 0.0, 0);
    benchmark::DoNotOptimize(observables(0.0, f, g));
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  const double bytes = voxels * (2.0 * species * sizeof(T) + 1.0);
  report_throughput(state, voxels * species, bytes, seconds,
                    std::max(copy_before, host_copy_bandwidth(field_bytes)));
}

BENCHMARK_TEMPLATE(BM_OutputHostCheck, float)
    ->Args({128, 8})
    ->Args({256, 8})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace lobule::bench

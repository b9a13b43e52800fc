// Generation of a 3 x 3 hex lobule tiling at 2 um (about 10^8 voxels): time and peak memory.
// Target: under 30 s on 2 cores and no more than about 6 bytes per voxel.
//   build/bench/lobule_bench --benchmark_filter=HexLobule
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <string>

#include "geometry/geometry.hpp"
#include "geometry/geometry_stats.hpp"
#include "host/config/config.hpp"

namespace lobule {
namespace {

// Peak resident set size of this process so far [bytes].
double peak_rss() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) * 1024.0;
}

Config tiling_config(const std::string& height, int stage) {
  return parse_config(
      "name: bench\n"
      "grid: { spacing: \"2 um\" }\n"
      "geometry: { kind: hex_lobule, radius: \"300 um\", height: \"" +
          height + "\", lobules: [3, 3], fibrosis: { stage: F" + std::to_string(stage) +
          " } }\n"
          "species: [ { name: u, diffusivity: \"60 um^2/s\" } ]\n"
          "time: { end: \"1 s\", dt: auto }\n",
      "bench.yaml");
}

// 750 x 910 x 150 voxels: the tiling's bounding box at 2 um, 300 um high; the argument is
// the fibrosis stage (F4 has the most septa to test per column).
void BM_HexLobule3x3At2um(benchmark::State& state) {
  const Config c = tiling_config("300 um", int(state.range(0)));
  double voxels = 0, sinusoid = 0;
  for (auto _ : state) {
    Geometry g = make_geometry(c);
    voxels = double(g.voxels());
    sinusoid = count_labels(g).tissue_fraction(kSinusoid);
    benchmark::DoNotOptimize(g.label.data());
  }
  // The peak is reached while one geometry is alive: label (1 B) + zone (4 B) per voxel, plus
  // small per-plane and per-segment tables. bytes_per_voxel is the whole process's peak
  // resident size over the voxel count (an upper bound: it includes the program itself).
  state.counters["voxels"] = voxels;
  state.counters["voxels_per_s"] =
      benchmark::Counter(voxels, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_rss_MiB"] = peak_rss() / (1 << 20);
  state.counters["bytes_per_voxel"] = peak_rss() / voxels;
  state.counters["sinusoid_fraction"] = sinusoid;
}
BENCHMARK(BM_HexLobule3x3At2um)
    ->Arg(0)
    ->Arg(4)
    ->Unit(benchmark::kSecond)
    ->Iterations(2)
    ->UseRealTime();

}  // namespace
}  // namespace lobule

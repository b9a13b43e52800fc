#include "bench_common.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <map>
#include <vector>

namespace lobule::bench {

Config cube_config(int n, int species, Precision p) {
  std::string yaml = fmt::format(
      "grid: {{ spacing: 5 }}\ngeometry: {{ kind: box, size: [{0}, {0}, {0}] }}\nspecies:\n",
      5 * n);
  for (int s = 0; s < species; ++s)
    yaml += fmt::format(
        "  - {{ name: s{0}, diffusivity: {1}, decay: 0.001, initial: {{ kind: gaussian, center: "
        "[{2}, {2}, {2}], sigma: 20, peak: 1 }} }}\n",
        s, 10.0 + 10 * s, 2.5 * n);
  yaml += "time: { end: 1 }\n";
  yaml += std::string("precision: ") + (p == Precision::Double ? "double" : "float") + "\n";
  return parse_config(yaml, "bench.yaml");
}

double host_copy_bandwidth(std::size_t bytes) {
  static std::map<std::size_t, double> cache;
  if (auto it = cache.find(bytes); it != cache.end()) return it->second;
  std::vector<char> a(bytes, 1), b(bytes, 0);
  std::memcpy(b.data(), a.data(), bytes);  // warm up, fault the pages in
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    std::memcpy(b.data(), a.data(), bytes);
    benchmark::DoNotOptimize(b.data());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, 2.0 * double(bytes) / s);  // read + write
  }
  return cache[bytes] = best;
}

void report_throughput(benchmark::State& state, double updates_per_iter, double bytes_per_iter,
                       double seconds, double copy_bytes_per_s) {
  const double iters = double(state.iterations());
  const double gbs = bytes_per_iter * iters / seconds * 1e-9;
  state.counters["updates/s"] = updates_per_iter * iters / seconds;
  state.counters["GB/s"] = gbs;
  state.counters["copy_GB/s"] = copy_bytes_per_s * 1e-9;
  state.counters["of_copy"] = gbs / (copy_bytes_per_s * 1e-9);
}

}  // namespace lobule::bench

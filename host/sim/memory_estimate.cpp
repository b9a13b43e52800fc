#include "memory_estimate.hpp"

#include <fstream>
#include <string>

namespace lobule {

MemoryEstimate estimate_memory(const Config& c, BackendChoice backend) {
  const std::size_t padded =
      std::size_t(c.cells[0] + 2) * std::size_t(c.cells[1] + 2) * std::size_t(c.cells[2] + 2);
  const std::size_t interior =
      std::size_t(c.cells[0]) * std::size_t(c.cells[1]) * std::size_t(c.cells[2]);
  const std::size_t word = c.precision == Precision::Double ? 8 : 4;
  const std::size_t ns = c.species.size();
  MemoryEstimate m;
  // Host: u and D per species, padded and interior labels, one output staging array.
  m.host_bytes = ns * 2 * padded * word + padded + interior + interior * word;
  // Backend: u and D per species, labels, and scratch arrays shared by all species: the next
  // level (explicit), three RKL2 stages, or the LOD line work (three; five and transposed
  // labels on the GPU, which sweeps x lines as y lines of the transposed box).
  const Scheme s = c.time.scheme;
  const bool gpu = backend == BackendChoice::Cuda;
  const std::size_t scratch = s == Scheme::Explicit ? 1 : (s == Scheme::Rkl2 ? 3 : (gpu ? 5 : 3));
  const std::size_t state = ns * 2 * padded * word + scratch * padded * word + padded +
                            (gpu && s == Scheme::Lod ? padded : 0);
  (gpu ? m.device_bytes : m.host_bytes) += state;
  return m;
}

std::size_t host_memory_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::size_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return 0;
}

}  // namespace lobule

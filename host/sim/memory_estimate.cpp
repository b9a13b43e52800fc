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
  // Host: u and D per species, labels, one output staging array.
  m.host_bytes = ns * 2 * padded * word + interior + interior * word;
  if (c.geometry.kind != "box") m.host_bytes += interior * sizeof(float);  // the zone array
  if (backend == BackendChoice::Cuda) {
    m.device_bytes = ns * 3 * padded * word;  // u, next, D
  } else {
    m.host_bytes += ns * 3 * padded * word;  // the CPU backend's u, next, D
  }
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

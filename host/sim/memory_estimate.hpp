/// Memory a run needs, per device, for `lobule check` and the pre-allocation check.
#pragma once
#include <cstddef>

#include "host/config/config.hpp"

namespace lobule {

struct MemoryEstimate {
  std::size_t host_bytes = 0;    ///< host RAM: host fields, CPU backend state, outputs
  std::size_t device_bytes = 0;  ///< GPU memory when the CUDA backend runs
};

/// Estimate for running c on the given backend (cpu or cuda).
MemoryEstimate estimate_memory(const Config& c, BackendChoice backend);

/// Free host memory (MemAvailable) in bytes, 0 if unknown.
std::size_t host_memory_available();

}  // namespace lobule

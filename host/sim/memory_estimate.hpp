/// Memory a run needs, per device, for `lobule check` and the pre-allocation check.
#pragma once
#include <cstddef>
#include <string>

#include "host/config/config.hpp"

namespace lobule {

struct MemoryEstimate {
  std::size_t host_bytes = 0;    ///< host RAM: host fields, CPU backend state, outputs
  std::size_t device_bytes = 0;  ///< GPU memory when the CUDA backend runs
  /// The solver state alone (Backend::state_bytes once every array exists: after one step), on
  /// the device that steps; part of host_bytes or device_bytes.
  std::size_t state_bytes = 0;
  double interior_voxels = 0;  ///< voxels of the grid
  double padded_voxels = 0;    ///< the same with the one-voxel halo: the length of each array
  std::size_t fields = 0;      ///< fields (species) of the run
};

/// Estimate for running c on the given backend (cpu or cuda); saturates at SIZE_MAX.
MemoryEstimate estimate_memory(const Config& c, BackendChoice backend);

/// Free host memory (MemAvailable) in bytes, 0 if unknown.
std::size_t host_memory_available();

/// Throws IoError (exit code 3) before anything is allocated when the run does not fit:
/// the host memory it needs vs MemAvailable, and on cuda the GPU memory it needs vs the
/// free memory of GPU 0. Unknown free memory is not checked.
void check_memory(const Config& c, BackendChoice backend);

/// "1.50 GiB", "12.0 MiB", "3 KiB".
std::string format_bytes(std::size_t bytes);

}  // namespace lobule

/// Interior Dirichlet voxels (vessels): per species, which labels hold which value.
#pragma once
#include <cstdint>

#include "rd_macros.hpp"

namespace lobule {

/// Labels 0..kVesselLabels-1 can hold Dirichlet values (every tissue label of geometry/labels.hpp).
inline constexpr int kVesselLabels = 8;

/// The Dirichlet values of one species at one time: voxels whose label has its bit set in
/// `mask` hold value[label] [conc]; other voxels evolve. Passed to kernels by value.
template <class T>
struct VesselTable {
  std::uint32_t mask = 0;
  T value[kVesselLabels] = {};
  /// Optional (CPU): the padded indices of the interior voxels it holds, so that a pass over
  /// them need not scan every label; the CUDA kernels read the labels instead.
  const std::uint32_t* voxels = nullptr;
  std::uint32_t voxel_count = 0;

  RD_HOST_DEVICE bool any() const { return mask != 0; }
  RD_HOST_DEVICE bool holds(std::uint8_t label) const {
    return label < kVesselLabels && ((mask >> label) & 1u) != 0;
  }
};

}  // namespace lobule

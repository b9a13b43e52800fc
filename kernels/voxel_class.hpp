/// The voxel classes the kernels act on: outside voxels are masked (no flux, no reaction);
/// every other label is tissue, and a species may hold the voxels of some labels (vessels.hpp).
#pragma once
#include <cstdint>

#include "rd_macros.hpp"

namespace lobule {

/// Label of voxels outside the tissue (geometry/labels.hpp names it kOutside).
inline constexpr std::uint8_t kOutsideVoxel = 255;

/// True for a voxel that belongs to the tissue.
RD_HOST_DEVICE RD_FORCEINLINE bool is_tissue(std::uint8_t label) {
  return label != kOutsideVoxel;
}

}  // namespace lobule

/// Voxel labels of the tissue geometry (the uint8 `label` array of every output).
#pragma once
#include <cstdint>

#include "kernels/voxel_class.hpp"

namespace lobule {

/// Tissue class of a voxel (table in docs/geometry.md). Values are part of the output
/// format: do not renumber.
enum Label : std::uint8_t {
  kParenchyma = 0,
  kSinusoid = 1,
  kPortalVein = 2,
  kHepaticArtery = 3,
  kBileDuct = 4,
  kCentralVein = 5,
  kPortalTract = 6,
  kSeptum = 7,
  kOutside = kOutsideVoxel,  ///< not tissue: masked, no flux
};

}  // namespace lobule

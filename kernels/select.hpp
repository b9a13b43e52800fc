/// select(c, a, b) = c ? a : b for a per-voxel formula written once for one voxel (T, bool) and
/// for a row of voxels at a time (kernels/cpu/simd_lanes.hpp: lanes and lane masks). Both
/// arguments are computed; a formula written with select has no branch to vectorize away.
#pragma once
#include "rd_macros.hpp"

namespace lobule {

template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T select(bool c, T a, T b) {
  return c ? a : b;
}

}  // namespace lobule

/// Below this much work (voxels or halo cells) the OpenMP launchers run serially: a parallel
/// region costs microseconds, and far more on a shared machine, which small grids cannot repay.
#pragma once
#include <cstddef>

namespace lobule::cpu {

inline constexpr std::size_t kParallelMinWork = std::size_t(1) << 15;

}  // namespace lobule::cpu

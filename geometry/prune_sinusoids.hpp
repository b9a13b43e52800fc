/// Removal of sinusoid slivers that voxelization cut off from the network.
#pragma once
#include <cstddef>

#include "geometry.hpp"

namespace lobule {

/// Returns to parenchyma every sinusoid voxel that does not reach, through 6-connected
/// sinusoid voxels, both a portal-side end (a portal tract or triad vessel, a septum) and a
/// central end (the central vein, a septum). Such pieces are tube edges that stick out of a
/// vessel whose axis runs inside it. With open_xy, voxels on the x and y faces (a cropped
/// tiling, whose network continues beyond them) count as both ends; with periodic_z the top
/// and bottom planes are neighbours. Uses the label array for its marks and a frontier list,
/// no per-voxel memory. Returns the number of voxels removed.
std::size_t prune_sinusoid_slivers(Geometry& g, bool periodic_z, bool open_xy);

}  // namespace lobule

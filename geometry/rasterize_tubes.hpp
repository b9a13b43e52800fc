/// Voxelization of tubes (sinusoids) into a label grid.
#pragma once
#include <vector>

#include "geometry.hpp"
#include "sinusoid_network.hpp"

namespace lobule {

/// Relabels as kSinusoid every kParenchyma voxel whose centre lies within `radius` of a
/// segment, or that the segment passes through (so that a tube thinner than a voxel stays
/// 6-connected). With period_z > 0 every segment also acts at z ± period_z. Parallel over
/// z planes; the result does not depend on the thread count.
void rasterize_tubes(Geometry& g, const std::vector<Segment>& segments, double radius,
                     double period_z);

}  // namespace lobule

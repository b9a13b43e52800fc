/// The zone coordinate of a labelled image, from Euclidean distance transforms.
#pragma once
#include <vector>

#include "geometry.hpp"

namespace lobule {

/// zone = d_p/(d_p + d_c) per voxel, d_p and d_c the distances [µm] from the voxel centre to
/// the nearest portal voxel (labels 2, 3, 4, 6) and central-vein voxel (label 5); 0 outside
/// the tissue. Empty when the image has no portal or no central-vein voxel. Memory: two
/// float distance fields besides the result.
std::vector<float> zone_from_labels(const Geometry& g);

}  // namespace lobule

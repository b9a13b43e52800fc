/// Import of a labelled image (.vti with a uint8 cell array of lobule labels).
#pragma once
#include <array>
#include <string>
#include <vector>

#include "geometry.hpp"

namespace lobule {

/// Header facts of a .vti image.
struct LabelImageInfo {
  std::array<int, 3> cells{};       ///< voxels per axis
  std::array<double, 3> spacing{};  ///< [µm]
  std::array<double, 3> origin{};   ///< corner of the first voxel [µm]
  std::vector<std::string> arrays;  ///< names of its cell arrays
};

/// Reads extent, spacing, origin and cell array names without the data. Throws InputError.
LabelImageInfo read_label_image_info(const std::string& path);

/// Reads the image: `array` must be a one-component uint8 cell array whose values are
/// lobule labels (0..7, 255); a float `zone` cell array, when present, must lie in [0, 1].
/// Without one, the zone is computed from the labels (zone_from_labels). Throws InputError.
Geometry read_label_image(const std::string& path, const std::string& array);

}  // namespace lobule

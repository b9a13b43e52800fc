/// Initial values from a file: a cell array of a .vti on the run's grid, checked.
#pragma once
#include <string>
#include <vector>

#include "geometry/geometry.hpp"

namespace lobule {

/// The values of cell array `array` of the .vti `path` on geometry g, the initial values of field
/// `field`: the file must lie on g's grid (cells, spacing, origin) and hold finite, non-negative
/// values in the tissue, within float range when `float_range`. Throws InputError naming file,
/// array, field, voxel and value.
std::vector<double> read_initial_values(const std::string& path, const std::string& array,
                                        const std::string& field, const Geometry& g,
                                        bool float_range);

}  // namespace lobule

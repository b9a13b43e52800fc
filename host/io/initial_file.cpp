#include "initial_file.hpp"

#include <fmt/format.h>

#include <limits>

#include "geometry/labels.hpp"
#include "host/errors.hpp"
#include "vti_io.hpp"

namespace lobule {

std::vector<double> read_initial_values(const std::string& path, const std::string& array,
                                        const std::string& field, const Geometry& g,
                                        bool float_range) {
  auto values = read_vti_on_grid(path, array, g);
  const double most =
      float_range ? double(std::numeric_limits<float>::max()) : std::numeric_limits<double>::max();
  for (std::size_t v = 0; v < values.size(); ++v) {
    const double x = values[v];
    if (g.label[v] == kOutside || (x >= 0 && x <= most)) continue;
    const std::size_t i = v % std::size_t(g.box.nx),
                      j = v / std::size_t(g.box.nx) % std::size_t(g.box.ny),
                      k = v / std::size_t(g.box.nx) / std::size_t(g.box.ny);
    throw InputError(fmt::format(
        "{}: array '{}' (initial values of '{}') is {} at voxel ({}, {}, {}); concentrations "
        "must be finite, non-negative{}",
        path, array, field, x, i, j, k,
        float_range ? " and within float range (or use precision: double)" : ""));
  }
  return values;
}

}  // namespace lobule

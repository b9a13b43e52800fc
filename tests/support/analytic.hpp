/// Small helpers for analytic-solution tests: configs from text, errors against exact fields.
#pragma once
#include <cmath>
#include <functional>
#include <string>

#include "geometry/geometry.hpp"
#include "host/config/config.hpp"
#include "host/sim/fields.hpp"

namespace lobule::test {

/// Parses a scenario given as YAML text (named "test.yaml" in errors).
inline Config config_from(const std::string& yaml) {
  return parse_config(yaml, "test.yaml");
}

/// Relative L2 error ‖u − exact‖/‖exact‖ of species s over the interior voxels, with the
/// exact solution evaluated at voxel centres [µm].
template <class T>
double relative_l2_error(const HostFields<T>& f, const Geometry& g, std::size_t s,
                         const std::function<double(double, double, double)>& exact) {
  double num = 0, den = 0;
  const Box& b = f.box;
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const auto x = g.centre(i, j, k);
        const double e = exact(x[0], x[1], x[2]);
        const double d = double(f.species[s].u[b.idx(i, j, k)]) - e;
        num += d * d;
        den += e * e;
      }
  return std::sqrt(num / den);
}

/// Σ u over the interior voxels of species s, in double.
template <class T>
double interior_sum(const HostFields<T>& f, std::size_t s) {
  double sum = 0;
  const Box& b = f.box;
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) sum += double(f.species[s].u[b.idx(i, j, k)]);
  return sum;
}

}  // namespace lobule::test

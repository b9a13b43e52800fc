/// Host copy of the solver state: per-species concentrations, diffusivities, coefficients.
#pragma once
#include <string>
#include <vector>

#include "kernels/boundary.hpp"
#include "kernels/grid.hpp"

namespace lobule {

/// One species on the padded box layout (interior + halo).
template <class T>
struct SpeciesField {
  std::string name;
  std::vector<T> u;  ///< concentration [conc]
  std::vector<T> D;  ///< diffusivity per voxel [µm²/s]; 0 in masked voxels
  T decay = 0;       ///< λ [1/s]
  T source = 0;      ///< s [conc/s]
  BoundarySet<T> bc;
};

/// All species of a run on one box.
template <class T>
struct HostFields {
  Box box;
  InvH2<T> ih2{};
  std::vector<SpeciesField<T>> species;
};

}  // namespace lobule

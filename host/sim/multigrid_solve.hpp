/// One multigrid solve from host arrays on a chosen backend: the implicit step's linear problem
/// on its own, for the solver's tests and benchmarks (the engine builds its problems on the
/// device itself).
#pragma once
#include <cstdint>
#include <vector>

#include "host/config/enums.hpp"
#include "multigrid.hpp"

namespace lobule {

/// The operator (1 + a·ℓ)·x − a·∇·(D∇x) of kernels/multigrid.hpp with its arrays on the host
/// (padded layout of box).
template <class T>
struct MgHostProblem {
  Box box;
  std::vector<std::uint8_t> label;  ///< halo kOutsideVoxel
  VesselTable<T> held;              ///< the labels that are not unknowns (besides outside)
  std::vector<T> D;                 ///< diffusivity per voxel [µm²/s]
  std::vector<T> loss;              ///< ℓ per voxel [1/s]; empty: loss0 everywhere
  T loss0 = T(0);
  InvH2<T> ih2{};
  T a = T(0);  ///< [s]
  BoundaryKind kind[kFaces] = {};
};

/// Solves A x = b (b zero outside the unknowns) on backend `which` (cpu or cuda, resolved) from
/// x = 0; x gets the padded solution. `history` receives ‖r‖₂/‖b‖₂ per iteration.
template <class T>
SolveStats multigrid_solve(BackendChoice which, const MgHostProblem<T>& p, const std::vector<T>& b,
                           std::vector<T>& x, const MultigridSettings& s,
                           std::vector<double>* history = nullptr);

}  // namespace lobule

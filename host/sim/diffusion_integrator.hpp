/// The seam between the engine's balanced step and the integrator of its diffusion part D̃(dt):
/// ∂u/∂t = ∇·(D∇u) + p − ℓ·u with the rates p, ℓ frozen for the step, one species at a time.
/// `rkl2` integrates it by super time stepping (Rkl2Diffusion), `implicit` by TR-BDF2 with
/// multigrid solves (ImplicitDiffusion). An integrator is written once over Exec.
#pragma once
#include <cstddef>
#include <functional>

#include "fields.hpp"
#include "kernels/rkl2.hpp"

namespace lobule {

/// What a diffusion integrator needs of one species for one sub-step.
template <class T, class Exec>
struct DiffusionTask {
  using Array = typename Exec::template Array<T>;
  std::size_t index = 0;                        ///< the species' position in the fields
  const SpeciesSettings<T>* species = nullptr;  ///< name and boundary conditions
  Array* u = nullptr;  ///< the state; the integrator leaves the new state here (it may swap arrays)
  Array* scratch[3] = {nullptr, nullptr, nullptr};  ///< the engine's scratch arrays (padded)
  Box box;
  /// Strides, 1/h² (times d_free for a hindered species), labels, frozen rates and stencil hint;
  /// its vessel table is set by the integrator for the time it needs (held_at).
  Rkl2Context<T> context{};
  const T* D = nullptr;  ///< the array the stencil reads as D (its halo filled)
  InvH2<T> grid_ih2{};   ///< the grid's own 1/h² [1/µm²] (context.ih2 may carry d_free)
  double d_max = 0;      ///< the largest D the species can take [µm²/s]
  double l_max = 0;      ///< the largest frozen loss rate [1/s]
  std::function<VesselTable<T>(double)> held_at;  ///< the vessel values at a time
  Rkl2Control control;                            ///< when a step that undershoots is redone
};

/// Per species, what the implicit solves did since the last report (zeros for rkl2).
struct SolverTally {
  long long solves = 0;      ///< linear solves (two per TR-BDF2 step)
  long long iterations = 0;  ///< their conjugate-gradient iterations (V-cycles) in all
  int most = 0;              ///< the most iterations one solve took
  double residual = 0;       ///< the largest final relative residual
  long long fallbacks = 0;   ///< steps redone by backward Euler (TR-BDF2 undershot)
};

template <class T, class Exec>
class DiffusionIntegrator {
 public:
  virtual ~DiffusionIntegrator() = default;
  /// D̃(dt) of one species from t; held voxels end at their values at t + dt. Returns what setting
  /// negative values to zero added [conc·voxel].
  virtual double step(const DiffusionTask<T, Exec>& task, double t, double dt) = 0;
  /// Device bytes the integrator holds beyond the engine's arrays.
  virtual std::size_t bytes() const { return 0; }
  /// The solves of species s since the last call (and resets them).
  virtual SolverTally take_tally(std::size_t /*s*/) { return {}; }
};

}  // namespace lobule

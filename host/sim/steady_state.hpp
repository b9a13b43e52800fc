/// The engine's steady-state service: the fields a model's own equations leave unchanged, solved
/// on the run's backend by pseudo-time steps of the run's long-step scheme (implicit or rkl2:
/// balanced splitting, whose fixed point is the steady state for any step), the slow local
/// fields paced so that they settle in as many steps as the fast ones. What a healthy liver
/// start is.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backend.hpp"
#include "fields.hpp"

namespace lobule {

/// How the pseudo-time steps go.
struct SteadySettings {
  double dt = 2 * 3600;    ///< pseudo-time step [s], and the largest one
  double smallest_dt = 1;  ///< a step that fails is quartered down to this [s]
  /// Settled: no field changes by more than this (relative) in a step of tissue time `dt` (a
  /// paced field's change in a pseudo-time step divided by its pace).
  double tolerance = 1e-6;
  int max_steps = 5000;
  int dynamic_steps = 40;  ///< steps of plain dynamics before the slow fields are paced
  double overshoot = 1e3;  ///< a step that changes a field more than this (relative) is undone
  int depth = 3;           ///< steps the Anderson acceleration combines (0: plain steps)
  /// A step that changes the fields more than this times the smallest change since the
  /// acceleration's history began starts the history over.
  double restart = 10;
};

/// Where the solve stands (for a progress line) and how it ended.
struct SteadyProgress {
  int steps = 0;          ///< accepted pseudo-time steps
  double dt = 0;          ///< the last step's length [s]
  double change = 0;      ///< the largest relative change of a field in the last step, per dt
                          ///< of tissue time (SteadySettings::tolerance)
  std::size_t field = 0;  ///< the field of that change
  bool settled = false;
};

/// Settles the fields of f (double, on the host) on a fresh engine of `which` (cpu or cuda,
/// resolved): pseudo-time steps of f's scheme (rkl2 for explicit) with the model kernels given (the
/// equations whose steady state is wanted), from t = 0, a step that runs away (NumericalError)
/// or changes a field by more than `overshoot` undone and quartered, the next steps growing back
/// to `dt`; after `dynamic_steps` steps the reactions of field q run `pace[q]` times faster, and
/// from then on each full step is Anderson-accelerated over the last `depth` (the fixed-point
/// map is the step; its state slots hold 5 + 2·depth copies of the fields on the device; a
/// step that changes the fields `restart` times more than the best since the history began
/// starts the history over). Ends
/// when no field changes by more than `tolerance` in `dt` of tissue time (its change in a step
/// of length `dt` over its pace: a slow field paced to move fast must come to rest as closely),
/// or after `max_steps`
/// (settled false: the caller warns). A field's change counts relative to the larger of its
/// largest value and scale[q] (the level below which it does not matter: a field that stays
/// far below it need not settle in relative terms). `progress` follows each accepted step; a
/// stop signal
/// (SIGTERM, SIGINT) throws Interrupted naming `what`.
SteadyProgress solve_steady_state(HostFields<double>& f, BackendChoice which,
                                  std::shared_ptr<const ModelKernels<double>> kernels,
                                  const std::vector<double>& pace, const std::vector<double>& scale,
                                  const SteadySettings& s, const std::string& what,
                                  const std::function<void(const SteadyProgress&)>& progress = {});

}  // namespace lobule

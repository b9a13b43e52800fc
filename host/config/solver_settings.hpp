/// Settings of the implicit scheme (time.implicit in a scenario), apart from the YAML they are
/// read from, so that the engine names them without pulling in the config parser.
#pragma once

namespace lobule {

/// How the multigrid solves of the implicit step iterate (host/sim/multigrid.hpp).
struct MultigridSettings {
  /// Converged when ‖r‖₂ ≤ tolerance·max(‖b‖₂, scale): the error a residual leaves in the
  /// solution is at most ‖r‖₂ (the operator's eigenvalues are ≥ 1), so this bounds it relative to
  /// the field being stepped (`scale`, its norm) or to the right-hand side.
  double tolerance = 1e-6;
  int max_iterations = 40;  ///< conjugate-gradient iterations, one V-cycle each
  int sweeps = 2;           ///< Gauss–Seidel sweeps before and after the coarse correction on the
                            ///< finest level; doubled per coarser level up to max_sweeps
  int max_sweeps = 8;
};

/// The implicit scheme's time integrator.
enum class ImplicitMethod { TrBdf2, BackwardEuler };

/// time.implicit: the method and its solver.
struct ImplicitControl {
  ImplicitMethod method = ImplicitMethod::TrBdf2;
  MultigridSettings solver;
};

}  // namespace lobule

/// Tells the user when the diffusion step had to set negative undershoots to zero (see
/// Backend::clipped_mass), and what the implicit scheme's solves did (Backend::solver_tally).
#pragma once
#include <string>
#include <vector>

#include "diffusion_integrator.hpp"
#include "fields.hpp"

namespace lobule {

/// Warning lines for the species whose clipped amount grew since the last report by more than
/// 1e-6 of their current total; `reported` holds the amounts already reported and is updated.
template <class T>
std::vector<std::string> clip_warnings(const HostFields<T>& f, const std::vector<double>& clipped,
                                       std::vector<double>& reported);

/// One line on the implicit solves since the last report: per diffusing species the V-cycles per
/// solve (mean and most), the largest final relative residual, and the steps redone by backward
/// Euler; empty when there were none.
template <class T>
std::string solver_summary(const HostFields<T>& f, const std::vector<SolverTally>& tally);

}  // namespace lobule

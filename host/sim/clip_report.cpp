#include "clip_report.hpp"

#include <fmt/format.h>

namespace lobule {

template <class T>
std::vector<std::string> clip_warnings(const HostFields<T>& f, const std::vector<double>& clipped,
                                       std::vector<double>& reported) {
  std::vector<std::string> lines;
  reported.resize(clipped.size(), 0.0);
  const Box& b = f.box;
  for (std::size_t s = 0; s < clipped.size() && s < f.species.size(); ++s) {
    const double added = clipped[s] - reported[s];
    if (!(added > 0)) continue;
    double sum = 0;  // Σ u over the interior [conc·voxel]
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j)
        for (int i = 0; i < b.nx; ++i) sum += double(f.species[s].u[b.idx(i, j, k)]);
    const double total = sum * voxel_volume(f);
    if (added <= 1e-6 * total) continue;
    reported[s] = clipped[s];
    lines.push_back(fmt::format(
        "warning: {} set negative undershoots of '{}' to zero, adding {:.3g} conc*um^3 ({:.2g}% "
        "of its total) since the last report; features steeper than sqrt(D*dt) need a smaller "
        "dt while they last",
        to_string(f.scheme), f.species[s].name, added, total > 0 ? 100 * added / total : 0.0));
  }
  return lines;
}

template <class T>
std::string solver_summary(const HostFields<T>& f, const std::vector<SolverTally>& tally) {
  std::string parts;
  long long fallbacks = 0;
  for (std::size_t s = 0; s < tally.size() && s < f.species.size(); ++s) {
    const SolverTally& t = tally[s];
    if (t.solves == 0) continue;
    fallbacks += t.fallbacks;
    parts +=
        fmt::format("{}{} {:.2g} (at most {}, residual {:.1e})", parts.empty() ? "" : ", ",
                    f.species[s].name, double(t.iterations) / double(t.solves), t.most, t.residual);
  }
  if (parts.empty()) return {};
  return fmt::format("implicit solves since the last output, V-cycles per solve: {}{}", parts,
                     fallbacks > 0
                         ? fmt::format("; {} species steps redone by backward Euler (TR-BDF2 would "
                                       "have left negative values)",
                                       fallbacks)
                         : "");
}

template std::string solver_summary<float>(const HostFields<float>&,
                                           const std::vector<SolverTally>&);
template std::string solver_summary<double>(const HostFields<double>&,
                                            const std::vector<SolverTally>&);
template std::vector<std::string> clip_warnings<float>(const HostFields<float>&,
                                                       const std::vector<double>&,
                                                       std::vector<double>&);
template std::vector<std::string> clip_warnings<double>(const HostFields<double>&,
                                                        const std::vector<double>&,
                                                        std::vector<double>&);

}  // namespace lobule

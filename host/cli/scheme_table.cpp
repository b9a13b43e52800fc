#include "scheme_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "host/config/stability.hpp"

namespace lobule {

// Cost is counted in grid sweeps per species: explicit runs all species with one dt, the
// smallest limit, so it needs ceil(dt/limit) sweeps to cover time.dt; rkl2 takes its stages
// (diffusion and the species' own decay, which the step carries); a species that does not
// diffuse reacts in the two reaction passes alone.
std::string scheme_table(const Config& c) {
  double limit = INFINITY;
  for (const auto& s : c.species)
    limit = std::min(limit, explicit_dt_limit(s.diffusivity, s.decay, c.spacing));
  const double dt = c.time.dt;
  const double explicit_sweeps = std::isfinite(limit) ? std::ceil(dt / limit - 1e-9) : 1;
  // One row format for the header, the species and the total.
  const auto row = [](auto name, auto d, auto decay, auto lim, auto stages, auto e, auto r) {
    return fmt::format("  {:<12} {:>11} {:>12} {:>15} {:>7}  {:>10} {:>6}\n", name, d, decay, lim,
                       stages, e, r);
  };
  std::string out = fmt::format(
      "time integration: scheme {}, dt = {:g} s; per species the explicit limit, the RKL2 stages\n"
      "and the cost of one step of dt of each scheme in grid sweeps:\n",
      to_string(c.time.scheme), dt);
  out +=
      row("species", "D [um^2/s]", "decay [1/s]", "explicit dt [s]", "stages", "explicit", "rkl2");
  double sum_e = 0, sum_r = 0;
  for (const auto& s : c.species) {
    const SchemeCost k = scheme_cost(dt, s.diffusivity, s.decay, c.spacing);
    sum_e += explicit_sweeps;
    sum_r += k.rkl2_sweeps;
    out += row(s.name, fmt::format("{:g}", s.diffusivity), fmt::format("{:.4g}", s.decay),
               fmt::format("{:.4g}", explicit_dt_limit(s.diffusivity, s.decay, c.spacing)),
               k.rkl2_sweeps, fmt::format("{:g}", explicit_sweeps), k.rkl2_sweeps);
  }
  const double react = 2.0 * double(c.species.size());  // R(dt/2) twice, one pass per species
  out += row("all species", "", "", "", "", fmt::format("{:g}", sum_e),
             fmt::format("{:g}", sum_r + react));
  out += fmt::format(
      "  (explicit runs every species at the smallest limit, {:.4g} s: {:g} steps per dt; rkl2\n"
      "  adds at most {:g} reaction passes.) Fewer sweeps than explicit: rkl2 {:.3g}x\n",
      limit, explicit_sweeps, react, sum_e / std::max(1.0, sum_r + react));
  if (c.model_impl)
    out += fmt::format(
        "  (model {}: the largest loss rate of its reactions, frozen each step, adds to the\n"
        "  rkl2 stages at run time)\n",
        c.model);
  return out;
}

}  // namespace lobule

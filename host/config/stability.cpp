#include "stability.hpp"

#include <cmath>
#include <limits>

#include "kernels/multigrid.hpp"
#include "kernels/rkl2.hpp"
#include "solver_settings.hpp"

namespace lobule {

double diffusion_spectral_radius(double D, const std::array<double, 3>& h) {
  const double sum_inv_h2 = 1 / (h[0] * h[0]) + 1 / (h[1] * h[1]) + 1 / (h[2] * h[2]);
  return 4 * D * sum_inv_h2;
}

double explicit_dt_limit(double D, double decay, const std::array<double, 3>& h) {
  // The diagonal of the update: 1 − dt·(2·D·Σ1/h² + λ) ≥ 0.
  const double rate = 0.5 * diffusion_spectral_radius(D, h) + decay;  // [1/s]
  return rate > 0 ? 1 / rate : std::numeric_limits<double>::infinity();
}

int rkl2_stages(double dt, double D, double decay, const std::array<double, 3>& h) {
  if (!(D > 0)) return 0;
  return rkl2_stage_count(dt * (diffusion_spectral_radius(D, h) + decay));
}

SchemeCost scheme_cost(double dt, double D, double decay, const std::array<double, 3>& h,
                       const std::array<int, 3>& cells, int implicit_solves) {
  SchemeCost c;
  const double limit = explicit_dt_limit(D, decay, h);
  c.explicit_sweeps = std::isfinite(limit) ? std::ceil(dt / limit - 1e-12) : 1;
  c.rkl2_sweeps = rkl2_stages(dt, D, decay, h);
  if (D > 0) {
    const MultigridSettings m;
    const double cycle =
        mg_cycle_sweeps(whole_box(cells[0], cells[1], cells[2]), m.sweeps, m.max_sweeps);
    c.implicit_sweeps = 1 + implicit_solves * kImplicitCyclesEstimate * cycle;
  }
  return c;
}

}  // namespace lobule

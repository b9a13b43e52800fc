/// Time-step limits and per-step costs of the diffusion schemes.
#pragma once
#include <array>

namespace lobule {

/// Largest forward Euler step for ∂u/∂t = D∇²u − λu + s on spacing h [s] that keeps u ≥ 0
/// (every voxel's new value a non-negative combination of old ones):
///   dt ≤ 1 / (2·D·Σ 1/h_i² + λ),   which is h²/(6·D) for a cubic voxel and λ = 0.
/// It is also stable (the stability limit 2/(4·D·Σ 1/h_i² + λ) is never smaller); with decay
/// the stability limit alone lets u flip sign every step. Infinite when D = λ = 0.
double explicit_dt_limit(double D, double decay, const std::array<double, 3>& h);

/// Largest eigenvalue magnitude of the 7-point diffusion operator, λ_max = 4·D·Σ 1/h_i² [1/s].
double diffusion_spectral_radius(double D, const std::array<double, 3>& h);

/// Stages of one RKL2 step of length dt for diffusivity D (at most D_free where D varies) and
/// loss rate λ [1/s], which the step carries (balanced splitting): the least s ≥ 2 with
/// dt·(λ_max + λ) ≤ (s² + s − 2)/4 (Meyer, Balsara & Aslam 2014). This is half
/// the stability interval: it keeps the Legendre argument 1 + w1·z in [0, 1] for every mode
/// z = −dt·λ, where the amplification R(z) stays within [0.3, 1] (no mode changes sign, the
/// stiffest are damped to about 1/2) instead of |R| = 1 at the interval's edge. 0 when D = 0.
int rkl2_stages(double dt, double D, double decay, const std::array<double, 3>& h);

/// Grid sweeps of one step of length dt for one species, a comparable measure of cost:
/// explicit: ceil(dt/limit) stencil sweeps (the steps it would need to cover dt);
/// rkl2: s stencil sweeps;
/// implicit: the operator M(u), then `implicit_solves` solves (TR-BDF2: 2, backward Euler: 1) of
/// kImplicitCyclesEstimate V-cycles each, every cycle
/// costing mg_cycle_sweeps of the grid `cells` (its Gauss–Seidel sweeps on every level, weighted
/// by the level's size). The cycles per solve depend on how far the field moves in a step; the
/// run log reports them.
struct SchemeCost {
  double explicit_sweeps = 0;
  int rkl2_sweeps = 0;
  double implicit_sweeps = 0;
};
/// The V-cycles per implicit solve the estimate assumes: what a warm-started solve of the liver
/// model's fields at dt = 1 h takes on the production lobule (bench/RESULTS.md).
inline constexpr double kImplicitCyclesEstimate = 3;
SchemeCost scheme_cost(double dt, double D, double decay, const std::array<double, 3>& h,
                       const std::array<int, 3>& cells, int implicit_solves = 2);

}  // namespace lobule

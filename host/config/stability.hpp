/// Time-step limits of the explicit scheme.
#pragma once
#include <array>

namespace lobule {

/// Largest stable forward Euler step for ∂u/∂t = D∇²u − λu on spacing h [s]:
///   dt ≤ 2 / (4·D·Σ 1/h_i² + λ),   which is h²/(6·D) for a cubic voxel and λ = 0.
/// Infinite when D = λ = 0.
double explicit_dt_limit(double D, double decay, const std::array<double, 3>& h);

}  // namespace lobule

/// Per-voxel formulas of the implicit diffusion step (balanced splitting with the diffusion part
/// solved implicitly, docs/time-integration.md): with the rates p [conc/s] and ℓ [1/s] frozen,
///   M(u) = ∇·(D∇u) + p − ℓ·u   [conc/s],
/// and TR-BDF2 (γ = 2 − √2, a = γ·dt/2) in increments δ = u − u_n over the unknowns (tissue not
/// held by a vessel), with u^γ, u^1 the state with the held voxels at their values at t + γ·dt
/// and t + dt:
///   (1 + a·ℓ)·δ₁ − a·∇·(D∇δ₁) = a·[M(u_n) + M(u^γ)]          (trapezoidal rule to t + γ·dt)
///   (1 + a·ℓ)·δ₂ − a·∇·(D∇δ₂) = a·M(u^1) + δ₁/(γ·(2 − γ))     (BDF2 to t + dt)
/// u_{n+1} = u_n + δ₂. Both stages share one operator; a steady state M(u*) = 0 gives δ = 0 for
/// any dt. Backward Euler, (1 + dt·ℓ)·δ − dt·∇·(D∇δ) = dt·M(u^1), is the non-negative fallback.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "rd_macros.hpp"
#include "rkl2.hpp"

namespace lobule {

/// TR-BDF2's γ = 2 − √2: both stages then share a = γ·dt/2 = (1 − γ)/(2 − γ)·dt (L-stable).
inline constexpr double kTrBdf2Gamma = 0.58578643762690495;

/// a / dt of the TR-BDF2 stages.
inline constexpr double kTrBdf2A = kTrBdf2Gamma / 2;

/// 1/(γ·(2 − γ)), the weight of δ₁ in the BDF2 stage.
inline constexpr double kTrBdf2C1 = 1 / (kTrBdf2Gamma * (2 - kTrBdf2Gamma));

/// M(u) at voxel c [conc/s] where it is an unknown (tissue, not held), 0 elsewhere: the right-hand
/// side of the implicit stages. div = ∇·(D∇u) at c (not used elsewhere).
template <class T, class Rates>
RD_HOST_DEVICE RD_ALWAYS_INLINE T implicit_operator_at(const Rkl2Context<T>& x, const Rates& r,
                                                       std::size_t c, T div, T uc) {
  return rkl2_diffuses(x, c) ? div + r.production(c) - r.loss(c) * uc : T(0);
}

/// implicit_operator_at at voxel c of the padded arrays u and D.
template <class T, class Rates>
RD_HOST_DEVICE RD_ALWAYS_INLINE T implicit_operator_voxel(const Rkl2Context<T>& x, const Rates& r,
                                                          std::size_t c, const T* __restrict__ u,
                                                          const T* __restrict__ D) {
  const T div = rkl2_diffuses(x, c) ? diffusion_divergence(u, D, c, x.sy, x.sz, x.ih2) : T(0);
  return implicit_operator_at(x, r, c, div, u[c]);
}

/// The new value of voxel c after an implicit step: u + δ at an unknown, clipped at 0 (what the
/// clipping added is returned through `clipped`); held and outside voxels keep u (their values are
/// set before the step).
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T implicit_new_value(const Rkl2Context<T>& x, std::size_t c, T uc,
                                                     T delta, double& clipped) {
  if (!rkl2_diffuses(x, c)) {
    clipped = 0;
    return uc;
  }
  const T v = uc + delta;
  clipped = v < T(0) ? -double(v) : 0.0;
  return v < T(0) ? T(0) : v;
}

/// The value a held voxel of label l takes, or u where the table does not hold l.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T held_value(const VesselTable<T>& held, std::uint8_t l, T u) {
  return held.holds(l) ? held.value[l] : u;
}

}  // namespace lobule

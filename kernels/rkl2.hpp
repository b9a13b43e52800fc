/// Runge–Kutta–Legendre second-order super time stepping (RKL2) of
///   ∂u/∂t = M(u) = ∇·(D∇u) + p − ℓ·u,
/// diffusion with the reaction rates p [conc/s] and ℓ [1/s] frozen for the step (balanced
/// splitting: the fixed point of the step is the steady state of the full equation):
/// Meyer, Balsara & Aslam, J. Comput. Phys. 257:594 (2014). Per-voxel stage formulas shared by
/// both backends; each stage needs only the 7-point neighbours of the previous stage.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "diffusion_stencil.hpp"
#include "frozen_rates.hpp"
#include "rd_macros.hpp"
#include "vessels.hpp"
#include "voxel_class.hpp"

namespace lobule {

/// When an RKL2 step undershoots (fields sharper than √(D·dt) in 3-D), the step is redone as two
/// half steps, recursively: a step is accepted when the negative values it would clip sum to at
/// most max_undershoot × the species' mass at its start, or after max_halvings halvings (then
/// the rest is clipped and reported).
struct Rkl2Control {
  double max_undershoot = 1e-6;
  int max_halvings = 6;
};

/// Stages of one step whose stiffest mode has z = dt·λ_max: the least s ≥ 2 with
/// z ≤ (s² + s − 2)/4 (half of RKL2's stability interval; see host/config/stability.hpp).
/// 0 when z = 0 (nothing diffuses).
inline int rkl2_stage_count(double z) {
  if (!(z > 0)) return 0;
  const double root = (-1 + std::sqrt(9 + 16 * z)) / 2;       // root of s² + s − 2 = 4z
  if (!(root < 1e9)) return std::numeric_limits<int>::max();  // runaway (or infinite) z
  int s = int(std::ceil(root - 1e-9));
  if (s < 2) s = 2;
  while (double(s) * s + s - 2 < 4 * z) ++s;
  return s;
}

/// Stages of one step of length dt [s] for diffusivity D [µm²/s] (the largest it can take) and
/// frozen loss rate ℓ_max [1/s] (the largest over the voxels) on a grid of inverse squared
/// spacings ih2 [1/µm²]: λ_max = 4·D·Σ 1/h² + ℓ_max. 0 when D = 0 (the species does not diffuse).
template <class T>
inline int rkl2_stage_count(double dt, double D, const InvH2<T>& ih2, double loss_max = 0) {
  if (!(D > 0)) return 0;
  return rkl2_stage_count(dt * (4 * D * (double(ih2.x) + double(ih2.y) + double(ih2.z)) +
                                (loss_max > 0 ? loss_max : 0)));
}

/// Coefficients of one stage in the form the kernels use. The stages carry increments
/// Z_j = Y_j − Y_0 rather than values: with M affine, M(Y_0 + Z) = M(Y_0) + M_h(Z) (M_h with
/// homogeneous boundary values), and since μ + ν + (1 − μ − ν) = 1 the Y_0 terms cancel:
///   Z_j = μ·Z_{j−1} + ν·Z_{j−2} + (μ̃ + γ̃)·dt·M(Y_0) + μ̃·dt·M_h(Z_{j−1}).
/// Rounding then scales with the change, not with u: a uniform field stays exactly uniform,
/// where the value form drifts by 10⁻⁶ per step in float.
template <class T>
struct Rkl2Stage {
  T mu, nu, mu_dt, m0_dt;  ///< μ, ν, μ̃·dt [s], (μ̃ + γ̃)·dt [s]
};

/// Stage j = 2..s of an s-stage RKL2 step of length dt [s]:
///   b_j = (j² + j − 2)/(2j(j + 1)) (b_0 = b_1 = b_2 = 1/3), a_j = 1 − b_j, w_1 = 4/(s² + s − 2),
///   μ_j = (2j − 1)/j·b_j/b_{j−1},  ν_j = −(j − 1)/j·b_j/b_{j−2},  μ̃_j = μ_j·w_1,
///   γ̃_j = −a_{j−1}·μ̃_j.
/// In increments Z_0 = 0, so stage 2's ν term vanishes: ν_2 is returned as 0, and callers may
/// pass any finite array (Z_1) in place of Z_0.
template <class T>
inline Rkl2Stage<T> rkl2_stage(int j, int s, double dt) {
  auto b = [](int q) { return q < 2 ? 1.0 / 3.0 : (double(q) * q + q - 2) / (2.0 * q * (q + 1)); };
  const double w1 = 4.0 / (double(s) * s + s - 2);
  const double mu = (2.0 * j - 1) / j * b(j) / b(j - 1);
  const double nu = j == 2 ? 0.0 : -(j - 1.0) / j * b(j) / b(j - 2);
  const double mu_t = mu * w1;
  const double gamma_t = -(1 - b(j - 1)) * mu_t;
  return {T(mu), T(nu), T(mu_t * dt), T((mu_t + gamma_t) * dt)};
}

/// μ̃_1·dt = b_1·w_1·dt [s], the factor of the first stage Z_1 = μ̃_1·dt·M(Y_0).
inline double rkl2_first_factor(int s, double dt) {
  return dt * (4.0 / (double(s) * s + s - 2)) / 3.0;
}

/// M at voxel c [conc/s]: ∇·(D∇y) + p − ℓ·y in the flux form, or its homogeneous part
/// M_h(y) = ∇·(D∇y) − ℓ·y on increments (with_production false), from div = ∇·(D∇y) and yc = y
/// at c; zero in voxels held by the vessel table (their value is boundary data, not an unknown)
/// and in those masked by `held` (div is not used there).
template <class T, class Rates>
RD_HOST_DEVICE RD_ALWAYS_INLINE T rkl2_operator_value(T div, T yc, bool held, std::size_t c,
                                                      const Rates& fr, bool with_production) {
  if (held) return T(0);
  const T m = div - fr.loss(c) * yc;
  return with_production ? m + fr.production(c) : m;
}

/// rkl2_operator_value at voxel c of the padded arrays y and D.
template <class T, class Rates>
RD_HOST_DEVICE RD_ALWAYS_INLINE T rkl2_operator(const T* __restrict__ y, const T* __restrict__ D,
                                                bool held, std::size_t c, std::size_t sy,
                                                std::size_t sz, InvH2<T> ih2, const Rates& fr,
                                                bool with_production) {
  return rkl2_operator_value(held ? T(0) : diffusion_divergence(y, D, c, sy, sz, ih2), y[c], held,
                             c, fr, with_production);
}

/// Increment of stage j ≥ 2 at voxel c (held voxels are set by the caller); m_z = M_h(Z_{j−1}).
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T rkl2_stage_value(const Rkl2Stage<T>& k, T z_prev, T z_prev2, T m0,
                                                   T m_z) {
  return k.mu * z_prev + k.nu * z_prev2 + k.m0_dt * m0 + k.mu_dt * m_z;
}

/// What every RKL2 voxel update reads besides its own arrays: padded strides, 1/h², the
/// labels, the held vessel values and the frozen rates (which the launchers hand to the voxel
/// functions as ConstantRates or ArrayRates, see with_rates).
template <class T>
struct Rkl2Context {
  std::size_t sy, sz;
  InvH2<T> ih2;
  const std::uint8_t* label;
  VesselTable<T> held;
  FrozenRates<T> rates;
  StencilHint<T> uniform;  ///< a constant-coefficient species (CPU: uniform_divergence)
};

/// Stage 1 at voxel c, in increments: m0 = M(y0), z1 = f1·m0 with f1 = μ̃₁·dt [s]; held voxels
/// take z1 = value − y0; voxels outside the tissue (kOutsideVoxel) neither diffuse nor react.
/// div = ∇·(D∇y0) and y0c = y0 at c (div is not used at held voxels nor outside the tissue).
template <class T, class Rates>
RD_HOST_DEVICE RD_FORCEINLINE void rkl2_first_at(const Rkl2Context<T>& x, const Rates& rates,
                                                 std::size_t c, T div, T y0c, T* __restrict__ m0,
                                                 T* __restrict__ z1, T f1) {
  const std::uint8_t l = x.label[c];
  const bool h = x.held.holds(l);
  const T m = rkl2_operator_value(div, y0c, h || !is_tissue(l), c, rates, true);
  m0[c] = m;
  z1[c] = h ? x.held.value[l] - y0c : f1 * m;
}

/// True where a stage uses the divergence at voxel c: in the tissue, not held by a vessel.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE bool rkl2_diffuses(const Rkl2Context<T>& x, std::size_t c) {
  const std::uint8_t l = x.label[c];
  return is_tissue(l) && !x.held.holds(l);
}

/// rkl2_first_at at voxel c of the padded arrays y0 and D.
template <class T, class Rates>
RD_HOST_DEVICE RD_FORCEINLINE void rkl2_first_voxel(const Rkl2Context<T>& x, const Rates& rates,
                                                    std::size_t c, const T* __restrict__ y0,
                                                    const T* __restrict__ D, T* __restrict__ m0,
                                                    T* __restrict__ z1, T f1) {
  const T div = rkl2_diffuses(x, c) ? diffusion_divergence(y0, D, c, x.sy, x.sz, x.ih2) : T(0);
  rkl2_first_at(x, rates, c, div, y0[c], m0, z1, f1);
}

/// Stage j ≥ 2 at voxel c, in increments (see Rkl2Stage), from div = ∇·(D∇Z_{j−1}) and zc =
/// Z_{j−1} at c. Writes Z_j, or on the last stage the new value y0 + Z_s with values below zero
/// set to zero; returns what that clipping added [conc] (0 on other stages). out may alias
/// z_prev2 (the voxel reads its own value first).
template <class T, class Rates>
RD_HOST_DEVICE RD_FORCEINLINE double rkl2_stage_at(const Rkl2Context<T>& x, const Rates& rates,
                                                   std::size_t c, T div, T zc, const T* z_prev2,
                                                   const T* __restrict__ y0,
                                                   const T* __restrict__ m0, T* out,
                                                   const Rkl2Stage<T>& k, bool last) {
  const std::uint8_t l = x.label[c];
  const bool h = x.held.holds(l);
  const T mz = rkl2_operator_value(div, zc, h || !is_tissue(l), c, rates, false);
  const T z = h ? x.held.value[l] - y0[c] : rkl2_stage_value(k, zc, z_prev2[c], m0[c], mz);
  const T v = h ? x.held.value[l] : y0[c] + z;
  const bool neg = last && !h && v < T(0);
  out[c] = !last ? z : (neg ? T(0) : v);
  return neg ? -double(v) : 0.0;
}

/// rkl2_stage_at at voxel c of the padded arrays z_prev = Z_{j−1} and D.
template <class T, class Rates>
RD_HOST_DEVICE RD_FORCEINLINE double rkl2_stage_voxel(const Rkl2Context<T>& x, const Rates& rates,
                                                      std::size_t c, const T* __restrict__ z_prev,
                                                      const T* z_prev2, const T* __restrict__ y0,
                                                      const T* __restrict__ m0,
                                                      const T* __restrict__ D, T* out,
                                                      const Rkl2Stage<T>& k, bool last) {
  const T div = rkl2_diffuses(x, c) ? diffusion_divergence(z_prev, D, c, x.sy, x.sz, x.ih2) : T(0);
  return rkl2_stage_at(x, rates, c, div, z_prev[c], z_prev2, y0, m0, out, k, last);
}

}  // namespace lobule

/// The per-voxel reaction step R(dt): a positivity-preserving second-order exponential
/// integrator for du/dt = P(u) − L(u)·u (the loss treated exactly for frozen rates, rates frozen
/// at an exponential-Euler midpoint), with its own sub-steps where the loss rates are stiff.
/// Shared by both backends.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "rd_macros.hpp"
#include "vessels.hpp"
#include "voxel_class.hpp"

namespace lobule {

/// Where a reaction is evaluated: padded index c, interior coordinates (i, j, k) of the local
/// box, the voxel's label and its lobule zone (0 at the portal tract .. 1 at the central vein;
/// 0 where the geometry has no zones).
struct VoxelRef {
  std::size_t c;
  int i, j, k;
  std::uint8_t label;
  float zone;
  TissueWeights<float> tissue;  ///< what the voxel's volume holds (voxel_class.hpp)
};

/// The static per-voxel data a reaction reads beside its fields, in the padded layout on the
/// device that runs it: labels, the zone coordinate (null: a geometry without zones) and the
/// tissue weights from volume fractions (three planes of `plane` entries: cell, sinusoid,
/// tract; null: the labels' own, label_weights).
struct VoxelMap {
  const std::uint8_t* label = nullptr;
  const float* zone = nullptr;
  const float* tissue = nullptr;
  std::size_t plane = 0;

  RD_HOST_DEVICE TissueWeights<float> weights(std::size_t c) const {
    if (tissue == nullptr) return label_weights<float>(label[c]);
    return {tissue[c], tissue[plane + c], tissue[2 * plane + c]};
  }
  RD_HOST_DEVICE VoxelRef at(std::size_t c, int i, int j, int k) const {
    return VoxelRef{c, i, j, k, label[c], zone != nullptr ? zone[c] : 0.0f, weights(c)};
  }
};

/// A reaction model R is a small copyable struct with
///   static constexpr int kMaxFields;      // most fields one voxel carries
///   RD_HOST_DEVICE void rates(T t, const VoxelRef& v, int n, const T* u, T* P, T* L) const;
/// giving for each of the n fields its production P_i ≥ 0 [conc/s] and loss rate L_i ≥ 0 [1/s]:
///   du_i/dt = P_i(u, x, t) − L_i(u, x, t)·u_i.
/// Every loss proportional to the field it removes fits this form; it is what lets the step
/// below keep u ≥ 0 for any dt (the loss only ever removes a fraction 1 − e^{−hL} of u).

/// Sub-stepping of R(dt): a voxel takes m = ceil(dt·max_i L_i / max_rate_dt) sub-steps
/// (at most max_substeps), judged from the rates at the start of the step. Constant rates need
/// none (the step is exact for them); sub-steps follow rates that change within a step.
template <class T>
struct ReactionControl {
  T max_rate_dt = T(1);
  int max_substeps = 16;
};

/// Number of sub-steps for a step whose stiffest loss gives z = dt·max L.
template <class T>
RD_HOST_DEVICE RD_FORCEINLINE int reaction_substeps(T z, const ReactionControl<T>& ctl) {
  if (!(z > ctl.max_rate_dt)) return 1;
  const T m = z / ctl.max_rate_dt;
  return m >= T(ctl.max_substeps) ? ctl.max_substeps : int(m) + (T(int(m)) < m ? 1 : 0);
}

RD_HOST_DEVICE RD_FORCEINLINE float rd_exp(float x) {
  return expf(x);
}
RD_HOST_DEVICE RD_FORCEINLINE double rd_exp(double x) {
  return exp(x);
}
RD_HOST_DEVICE RD_FORCEINLINE float rd_expm1(float x) {
  return expm1f(x);
}
RD_HOST_DEVICE RD_FORCEINLINE double rd_expm1(double x) {
  return expm1(x);
}

/// φ₁(x) = (1 − e^{−x})/x for x ≥ 0 (1 at x = 0): the weight of a constant production
/// over a step in which the loss removes the fraction 1 − e^{−x}.
template <class T>
RD_HOST_DEVICE RD_FORCEINLINE T phi1(T x) {
  return x > T(1e-4) ? -rd_expm1(-x) / x : T(1) - x * (T(0.5) - x / T(6));
}

/// u over a step h with frozen production P ≥ 0 [conc/s] and loss rate L ≥ 0 [1/s], the exact
/// solution of u' = P − L·u: e^{−hL}·u + h·φ₁(hL)·P, non-negative whenever u is.
template <class T>
RD_HOST_DEVICE RD_FORCEINLINE T frozen_rate_step(T u, T P, T L, T h) {
  return rd_exp(-h * L) * u + h * phi1(h * L) * P;
}

/// Zeroes production and loss of the fields held at this voxel (vessel values).
template <class T>
RD_HOST_DEVICE RD_FORCEINLINE void release_held(std::uint32_t held, int n, T* P, T* L) {
  for (int i = 0; i < n; ++i)
    if ((held >> i) & 1u) P[i] = L[i] = T(0);
}

/// One exponential midpoint step of length h from time t; P, L are the rates at (t, u) on entry
/// (overwritten):
///   ū  = e^{−hL(u)/2}·u + (h/2)·φ₁(hL(u)/2)·P(u)             (midpoint predictor)
///   u⁺ = e^{−hL(ū)}·u + h·φ₁(hL(ū))·P(ū)                     (rates at t + h/2, ū)
/// Second order; u⁺ ≥ 0 for any h; exact when P and L are constant (the diffusion–decay
/// model); a fixed point P = L·u stays fixed.
template <class T, class R>
RD_HOST_DEVICE inline void exponential_midpoint(const R& r, const VoxelRef& v, int n,
                                                std::uint32_t held, T t, T h, T* u, T* P, T* L) {
  constexpr int N = R::kMaxFields;
  T mid[N] = {};
  const T half = T(0.5) * h;
  for (int i = 0; i < n; ++i) mid[i] = frozen_rate_step(u[i], P[i], L[i], half);
  r.rates(t + half, v, n, mid, P, L);
  release_held(held, n, P, L);
  for (int i = 0; i < n; ++i) u[i] = frozen_rate_step(u[i], P[i], L[i], h);
}

/// R(dt) at one voxel from time t: u (n values) is advanced in place; fields whose bit is set
/// in `held` keep their values.
template <class T, class R>
RD_HOST_DEVICE inline void react_voxel(const R& r, const VoxelRef& v, int n, std::uint32_t held,
                                       T t, T dt, const ReactionControl<T>& ctl, T* u) {
  constexpr int N = R::kMaxFields;
  T P[N] = {}, L[N] = {};
  r.rates(t, v, n, u, P, L);
  release_held(held, n, P, L);
  T l_max = T(0);
  for (int i = 0; i < n; ++i) l_max = L[i] > l_max ? L[i] : l_max;
  const int m = reaction_substeps(dt * l_max, ctl);
  const T h = dt / T(m);
  for (int q = 0; q < m; ++q) {
    if (q > 0) {
      r.rates(t + T(q) * h, v, n, u, P, L);
      release_held(held, n, P, L);
    }
    exponential_midpoint(r, v, n, held, t + T(q) * h, h, u, P, L);
  }
}

/// Net rate P_i − L_i·u_i [conc/s] of every field at one voxel, for the unsplit explicit scheme.
template <class T, class R>
RD_HOST_DEVICE inline void net_rates(const R& r, const VoxelRef& v, int n, std::uint32_t held, T t,
                                     const T* u, T* rate) {
  constexpr int N = R::kMaxFields;
  T P[N] = {}, L[N] = {};
  r.rates(t, v, n, u, P, L);
  release_held(held, n, P, L);
  for (int i = 0; i < n; ++i) rate[i] = P[i] - L[i] * u[i];
}

/// The fields of one reaction call at the device that runs it: n padded-layout arrays and,
/// per field, the vessel values to hold (at the end of the step).
template <class T, int N>
struct ReactionFields {
  T* u[N] = {};
  VesselTable<T> vessel[N] = {};
  int n = 0;

  /// Bit i set when field i is held at a voxel of this label.
  RD_HOST_DEVICE std::uint32_t held(std::uint8_t label) const {
    std::uint32_t h = 0;
    for (int i = 0; i < n; ++i)
      if (vessel[i].holds(label)) h |= 1u << i;
    return h;
  }
};

/// The whole reaction update of voxel v: its fields advance by R(dt) from t; fields held at the
/// voxel take their vessel values; voxels outside the tissue are left alone.
template <class T, class R>
RD_HOST_DEVICE inline void react_at(const R& r, const ReactionFields<T, R::kMaxFields>& f,
                                    const VoxelRef& v, T t, T dt, const ReactionControl<T>& ctl) {
  constexpr int N = R::kMaxFields;
  if (!is_tissue(v.label)) return;
  T u[N] = {};
  for (int q = 0; q < f.n; ++q) u[q] = f.u[q][v.c];
  const std::uint32_t held = f.held(v.label);
  react_voxel(r, v, f.n, held, t, dt, ctl, u);
  for (int q = 0; q < f.n; ++q)
    f.u[q][v.c] = ((held >> q) & 1u) ? f.vessel[q].value[v.label] : u[q];
}

/// rate[q][c] = P_q − L_q·u_q [conc/s] at voxel v (0 where held or outside the tissue).
template <class T, class R>
RD_HOST_DEVICE inline void net_rates_at(const R& r, const ReactionFields<T, R::kMaxFields>& f,
                                        const VoxelRef& v, T t, T* const* rate) {
  constexpr int N = R::kMaxFields;
  T u[N] = {}, q_rate[N] = {};
  if (is_tissue(v.label)) {
    for (int q = 0; q < f.n; ++q) u[q] = f.u[q][v.c];
    net_rates(r, v, f.n, f.held(v.label), t, u, q_rate);
  }
  for (int q = 0; q < f.n; ++q) rate[q][v.c] = q_rate[q];
}

/// p[q][c] = P_q and l[q][c] = L_q at voxel v for the fields whose p[q] is non-null (0 where
/// held or outside the tissue): the rates a balanced step freezes.
template <class T, class R>
RD_HOST_DEVICE inline void production_and_loss_at(const R& r,
                                                  const ReactionFields<T, R::kMaxFields>& f,
                                                  const VoxelRef& v, T t, T* const* p,
                                                  T* const* l) {
  constexpr int N = R::kMaxFields;
  T u[N] = {}, P[N] = {}, L[N] = {};
  if (is_tissue(v.label)) {
    for (int q = 0; q < f.n; ++q) u[q] = f.u[q][v.c];
    r.rates(t, v, f.n, u, P, L);
    release_held(f.held(v.label), f.n, P, L);
  }
  for (int q = 0; q < f.n; ++q)
    if (p[q] != nullptr) p[q][v.c] = P[q], l[q][v.c] = L[q];
}

}  // namespace lobule

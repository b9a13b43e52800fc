/// The per-voxel reaction step R(dt): a positivity-preserving, second-order modified Patankar
/// Runge–Kutta scheme (MPRK22; Burchard, Deleersnijder & Meister, Appl. Numer. Math. 47:1,
/// 2003) with its own sub-steps where the loss rates are stiff. Shared by both backends.
#pragma once
#include <cstddef>
#include <cstdint>

#include "rd_macros.hpp"
#include "vessels.hpp"

namespace lobule {

/// Where a reaction is evaluated: padded index c, interior coordinates (i, j, k) of the local
/// box, and the voxel's label.
struct VoxelRef {
  std::size_t c;
  int i, j, k;
  std::uint8_t label;
};

/// A reaction model R is a small copyable struct with
///   static constexpr int kMaxFields;      // most fields one voxel carries
///   RD_HOST_DEVICE void rates(T t, const VoxelRef& v, int n, const T* u, T* P, T* L) const;
/// giving for each of the n fields its production P_i ≥ 0 [conc/s] and loss rate L_i ≥ 0 [1/s]:
///   du_i/dt = P_i(u, x, t) − L_i(u, x, t)·u_i.
/// Every loss proportional to the field it removes fits this form; it is what makes the
/// Patankar weighting below keep u ≥ 0 for any dt.

/// Sub-stepping of R(dt): a voxel takes m = ceil(dt·max_i L_i / max_rate_dt) sub-steps
/// (at most max_substeps), judged from the rates at the start of the step.
template <class T>
struct ReactionControl {
  T max_rate_dt = T(0.25);
  int max_substeps = 64;
};

/// Number of sub-steps for a step whose stiffest loss gives z = dt·max L.
template <class T>
RD_HOST_DEVICE RD_FORCEINLINE int reaction_substeps(T z, const ReactionControl<T>& ctl) {
  if (!(z > ctl.max_rate_dt)) return 1;
  const T m = z / ctl.max_rate_dt;
  return m >= T(ctl.max_substeps) ? ctl.max_substeps : int(m) + (T(int(m)) < m ? 1 : 0);
}

/// Zeroes production and loss of the fields held at this voxel (vessel values).
template <class T>
RD_HOST_DEVICE RD_FORCEINLINE void release_held(std::uint32_t held, int n, T* P, T* L) {
  for (int i = 0; i < n; ++i)
    if ((held >> i) & 1u) P[i] = L[i] = T(0);
}

/// One MPRK22 step of length h from time t; P, L are the rates at (t, u) on entry (overwritten).
///   u⁽¹⁾ = (u + h·P(u)) / (1 + h·L(u))
///   u⁺  = (u + h/2·[P(u) + P(u⁽¹⁾)]) / (1 + h/2·[L(u)·u + L(u⁽¹⁾)·u⁽¹⁾]/u⁽¹⁾)
/// Both quotients have non-negative numerators and positive denominators, so u⁺ ≥ 0; a fixed
/// point P = L·u stays fixed; for u' = −λu the amplification is 1/(1 + z + z²/2), z = λh.
template <class T, class R>
RD_HOST_DEVICE inline void mprk22_substep(const R& r, const VoxelRef& v, int n, std::uint32_t held,
                                          T t, T h, T* u, T* P, T* L) {
  constexpr int N = R::kMaxFields;
  T num[N] = {}, loss[N] = {}, u1[N] = {};
  const T half = T(0.5) * h;
  for (int i = 0; i < n; ++i) {
    num[i] = u[i] + half * P[i];
    loss[i] = half * L[i] * u[i];
    u1[i] = (u[i] + h * P[i]) / (T(1) + h * L[i]);
  }
  r.rates(t + h, v, n, u1, P, L);
  release_held(held, n, P, L);
  for (int i = 0; i < n; ++i) {
    const T top = num[i] + half * P[i];
    // u⁽¹⁾ = 0 only when u = P(u) = 0: the loss weight tends to L, any positive value is safe.
    u[i] = u1[i] > T(0) ? top / (T(1) + (loss[i] + half * L[i] * u1[i]) / u1[i])
                        : top / (T(1) + half * L[i]);
  }
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
    mprk22_substep(r, v, n, held, t + T(q) * h, h, u, P, L);
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

}  // namespace lobule

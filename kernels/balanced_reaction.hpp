/// The reaction part of a balanced Strang step (docs/time-integration.md): what is left of a
/// model's rates once the rates frozen at the start of the step have gone into the diffusion
/// sub-step. Shared by both backends.
#pragma once
#include <cstddef>

#include "frozen_rates.hpp"
#include "reaction.hpp"

namespace lobule {

/// Net remainder rate of one field, ΔP − ΔL·u with ΔP = P(u) − p and ΔL = L(u) − ℓ, written in
/// the production–loss form the reaction step needs (P', L' ≥ 0, so u stays ≥ 0):
///   P' = max(ΔP, 0) + min(max(−ΔL, 0), g_max)·u,   L' = max(ΔL, 0) + max(−ΔP, 0)/u   (Patankar)
/// P' − L'·u equals ΔP − ΔL·u for u > 0 while the give-back rate −ΔL stays below g_max; at u = 0
/// a production deficit removes nothing. At the frozen state itself P' = L' = 0: the remainder
/// leaves a steady state unchanged.
///
/// Why the cap: where the frozen loss ℓ was much larger than the loss the field has now (a stiff
/// loss through another field that ran out within the step: k_mt·timp for mmp once timp is
/// titrated away), −ΔL·u gives back what the diffusion sub-step removed, and compounded over the
/// reaction sub-step that grows like e^{−ΔL·dt}: both fields of a titrating pair then explode
/// together (every liver rate × 100 at dt = 1 h: mmp and timp to 10¹⁰ in a few steps). With the
/// cap g_max = 1/dt the give-back grows a field at most e-fold per reaction sub-step; below the
/// cap (every non-stiff case) the remainder is unchanged, and steady states stay exact.
template <class T>
RD_HOST_DEVICE RD_FORCEINLINE void remainder_rates(T P, T L, T p, T l, T u, T g_max, T& P_out,
                                                   T& L_out) {
  const T dP = P - p, dL = L - l;
  const T give_back = dL < T(0) ? (-dL < g_max ? -dL : g_max) : T(0);
  P_out = (dP > T(0) ? dP : T(0)) + give_back * u;
  L_out = (dL > T(0) ? dL : T(0)) + (dP < T(0) && u > T(0) ? -dP / u : T(0));
}

/// A reaction model R with the frozen rates of its diffusing fields taken out: a model in the
/// sense of kernels/reaction.hpp. Fields whose FrozenRates carry no arrays (local fields) keep
/// their whole rates; a field's FrozenRates::pace scales what is left of its rates (pseudo time).
template <class T, class R>
struct RemainderOf {
  static constexpr int kMaxFields = R::kMaxFields;
  R model;
  FrozenRates<T> frozen[kMaxFields] = {};
  T give_back_max = T(0);  ///< g_max of remainder_rates [1/s]: 1/dt of the reaction sub-step

  RD_HOST_DEVICE void rates(T t, const VoxelRef& v, int n, const T* u, T* P, T* L) const {
    model.rates(t, v, n, u, P, L);
    for (int i = 0; i < n; ++i) {
      if (frozen[i].p != nullptr)
        remainder_rates(P[i], L[i], frozen[i].p[v.c], frozen[i].l[v.c], u[i], give_back_max, P[i],
                        L[i]);
      P[i] *= frozen[i].pace;
      L[i] *= frozen[i].pace;
    }
  }
};

}  // namespace lobule

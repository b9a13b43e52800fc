/// Reaction rates frozen for one step and carried inside the diffusion sub-step (balanced
/// splitting, see docs/time-integration.md): production p [conc/s] and loss rate ℓ [1/s] per
/// voxel, either as arrays (a coupled model, rates taken at the start of the step) or as
/// constants (the diffusion–decay model: p = s, ℓ = λ).
#pragma once
#include <cstddef>

#include "rd_macros.hpp"

namespace lobule {

/// p and ℓ of one species: arrays on the device that runs the kernel, or constants where the
/// pointers are null. Kernels see them as ArrayRates or ConstantRates (with_rates).
template <class T>
struct FrozenRates {
  const T* p = nullptr;  ///< production per voxel [conc/s], padded layout; null: p0
  const T* l = nullptr;  ///< loss rate per voxel [1/s], padded layout; null: l0
  T p0 = 0;              ///< constant production [conc/s]
  T l0 = 0;              ///< constant loss rate [1/s]
  /// Pseudo time (a steady-state solve): the field's remaining reaction rates times this, so
  /// that a slow field reaches its balance in as many steps as the fast ones (the steady state,
  /// where the rates vanish, is the same). 1 in a run.
  T pace = 1;
};

/// Constant frozen rates (every voxel the same p, ℓ): what a kernel sees for FrozenRates
/// without arrays. Kernels are instantiated for this and ArrayRates separately, so that the
/// inner loops carry no test for which it is (and vectorize).
template <class T>
struct ConstantRates {
  T p0, l0;
  RD_HOST_DEVICE RD_ALWAYS_INLINE T production(std::size_t) const { return p0; }
  RD_HOST_DEVICE RD_ALWAYS_INLINE T loss(std::size_t) const { return l0; }
};

/// Frozen rates per voxel.
template <class T>
struct ArrayRates {
  const T* __restrict__ p;
  const T* __restrict__ l;
  RD_HOST_DEVICE RD_ALWAYS_INLINE T production(std::size_t c) const { return p[c]; }
  RD_HOST_DEVICE RD_ALWAYS_INLINE T loss(std::size_t c) const { return l[c]; }
};

/// Calls f with the ArrayRates or ConstantRates that fr describes (host side, once per launch).
template <class T, class F>
decltype(auto) with_rates(const FrozenRates<T>& fr, F&& f) {
  if (fr.p != nullptr) return f(ArrayRates<T>{fr.p, fr.l});
  return f(ConstantRates<T>{fr.p0, fr.l0});
}

}  // namespace lobule

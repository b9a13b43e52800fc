/// The annihilation test model: two diffusing species that annihilate, A + B → ∅, and a local
/// field C that records what reacted. It shows the model layer end to end and has exact
/// answers: a − b and a + c are conserved with no-flux faces, and well mixed
///   a(t) = Δ / (1 − (1 − Δ/a₀)·e^{−kΔt}),  Δ = a₀ − b₀.
#pragma once
#include "annihilation_params.hpp"
#include "kernels/reaction.hpp"

namespace lobule {

/// Fields 0 = a, 1 = b (diffusing), 2 = c (local).
template <class T>
struct AnnihilationRates {
  static constexpr int kMaxFields = 3;
  T k;  ///< [1/(conc·s)]

  explicit AnnihilationRates(const AnnihilationParams& p) : k(T(p.k)) {}

  RD_HOST_DEVICE void rates(T, const VoxelRef&, int, const T* u, T* P, T* L) const {
    P[0] = T(0), L[0] = k * u[1];         // a' = −k·a·b        [conc/s]
    P[1] = T(0), L[1] = k * u[0];         // b' = −k·a·b
    P[2] = k * u[0] * u[1], L[2] = T(0);  // c' = +k·a·b
  }
};

}  // namespace lobule

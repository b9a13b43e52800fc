/// The reaction of the diffusion–decay model: du/dt = s − λ·u per species (P = s, L = λ).
#pragma once
#include "reaction.hpp"

namespace lobule {

/// One species' linear decay λ [1/s] and constant source s [conc/s]; species do not couple,
/// so the backends apply it to one field at a time.
template <class T>
struct LinearDecay {
  static constexpr int kMaxFields = 1;
  T decay = 0;
  T source = 0;

  RD_HOST_DEVICE RD_FORCEINLINE void rates(T, const VoxelRef&, int, const T*, T* P, T* L) const {
    P[0] = source;
    L[0] = decay;
  }
};

}  // namespace lobule

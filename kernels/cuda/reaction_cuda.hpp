/// The reaction models compiled for the CUDA backend; pointers are device pointers.
#pragma once
#include <cstdint>

#include "../grid.hpp"
#include "../linear_decay.hpp"

namespace lobule::cuda {

/// R(dt) of the diffusion–decay model on one field (see cpu::react).
template <class T>
void react_linear_decay(const Box& b, const VoxelMap& m, const ReactionFields<T, 1>& f,
                        const LinearDecay<T>& r, T t, T dt, const ReactionControl<T>& ctl);

}  // namespace lobule::cuda

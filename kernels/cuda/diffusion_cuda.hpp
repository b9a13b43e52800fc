/// CUDA launchers of the diffusion–decay formulas; pointers are device pointers.
#pragma once
#include "../boundary.hpp"
#include "../grid.hpp"

namespace lobule::cuda {

/// Fills the six halo faces of u on the device (see fill_halo_cell).
template <class T>
void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u);

/// One forward Euler step over the interior voxels on the device (see cpu::explicit_step).
template <class T>
void explicit_step(const Box& b, InvH2<T> ih2, const T* u, const T* D, T* out, T dt, T decay,
                   T source);

}  // namespace lobule::cuda

/// OpenMP launchers of the diffusion–decay formulas (the CPU backend and test oracle).
#pragma once
#include "../boundary.hpp"
#include "../grid.hpp"

namespace lobule::cpu {

/// Fills the six halo faces of u according to bc (see fill_halo_cell).
template <class T>
void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u);

/// One forward Euler step of ∂u/∂t = ∇·(D∇u) − λu + s over the interior voxels:
/// reads u (halo filled) and D (halo filled), writes out. u and out must differ.
template <class T>
void explicit_step(const Box& b, InvH2<T> ih2, const T* u, const T* D, T* out, T dt, T decay,
                   T source);

}  // namespace lobule::cpu

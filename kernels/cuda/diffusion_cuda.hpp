/// CUDA launchers of the diffusion formulas; pointers are device pointers (see the CPU
/// launchers in kernels/cpu/diffusion_cpu.hpp for what each computes).
#pragma once
#include <cstdint>

#include "../boundary.hpp"
#include "../diffusivity.hpp"
#include "../grid.hpp"
#include "../rkl2.hpp"
#include "../vessels.hpp"

namespace lobule::cuda {

/// Fills the six halo faces of u on the device in one launch (see fill_halo_cell).
template <class T>
void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u);

/// One forward Euler step over the interior voxels (see cpu::explicit_step); d > 0 says that D
/// is d in all the tissue and 0 outside (StencilHint::d: no harmonic means), 0 that it varies.
template <class T>
void explicit_step(const Box& b, InvH2<T> ih2, const T* u, const T* D, T d,
                   const std::uint8_t* label, const VesselTable<T>& held, T* out, T dt, T decay,
                   T source, T* lowest);

/// The same with a precomputed reaction rate per voxel (see cpu::explicit_step_rate).
template <class T>
void explicit_step_rate(const Box& b, InvH2<T> ih2, const T* u, const T* D, T d,
                        const std::uint8_t* label, const VesselTable<T>& held, const T* rate,
                        T* out, T dt, T* lowest);

/// RKL2 stage 1 in increments (see rkl2_first_voxel); x.uniform.d as d above.
template <class T>
void rkl2_first(const Box& b, const Rkl2Context<T>& x, const T* y0, const T* D, T* m0, T* z1, T f1);

/// RKL2 stage j ≥ 2 in increments (see rkl2_stage_voxel); out may alias z_prev2. The last stage
/// writes u and adds the clipped amount to the device double *clipped (one atomic per block).
template <class T>
void rkl2_stage(const Box& b, const Rkl2Context<T>& x, const T* z_prev, const T* z_prev2,
                const T* y0, const T* m0, const T* D, T* out, const Rkl2Stage<T>& k, bool last,
                double* clipped);

/// Adds Σ u over the interior voxels to the device double *out.
template <class T>
void interior_sum(const Box& b, const T* u, double* out);

/// Raises the device double *out to max u over the interior voxels (u ≥ 0 assumed: the
/// maximum is taken on the bit patterns of non-negative doubles).
template <class T>
void interior_max(const Box& b, const T* u, double* out);

/// Raises the device double *out to max |u − v| over the interior voxels (a NaN gives NaN).
template <class T>
void max_abs_difference(const Box& b, const T* u, const T* v, double* out);

/// D = D_free/(1 + C/C_half) in every interior voxel (see cpu::update_diffusivity).
template <class T>
void update_diffusivity(const Box& b, const std::uint8_t* label, const DiffusivityDriverView<T>& d,
                        T* D);

}  // namespace lobule::cuda

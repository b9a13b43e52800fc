/// OpenMP launchers of the diffusion formulas (the CPU backend and test oracle). Arrays use the
/// padded layout of the box; `label` is the padded label array (halo voxels kOutsideVoxel).
/// Each launcher is one loop (for_interior) around a whole-voxel function of the shared headers.
#pragma once
#include <cstdint>
#include <vector>

#include "../boundary.hpp"
#include "../diffusivity.hpp"
#include "../grid.hpp"
#include "../rkl2.hpp"
#include "../vessels.hpp"

namespace lobule::cpu {

/// Fills the six halo faces of u according to bc (see fill_halo_cell).
template <class T>
void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u);

/// `fill` (may be nullptr: the halo is filled already) gives the boundary conditions of the
/// launchers below to fill the halo of their input (u, y0, z_prev) with first, as fill_halo(…,
/// HaloOf::Concentration, …) would: row by row while they go, without a pass of its own.

/// One forward Euler step of ∂u/∂t = ∇·(D∇u) − λu + s over the interior voxels: reads u and D
/// (D's halo filled), writes out (≠ u). See explicit_voxel.
/// us.d > 0 says D is that one value in the whole tissue (and 0 outside): the stencil then needs
/// no division (uniform_divergence), and in us.open_rows no mask (open_divergence). Unless lowest
/// is nullptr, *lowest becomes min(*lowest, every value written): it records a step that went
/// negative (see Backend::explicit_lowest).
template <class T>
void explicit_step(const Box& b, InvH2<T> ih2, T* u, const T* D, const std::uint8_t* label,
                   const VesselTable<T>& held, T* out, T dt, T decay, T source, StencilHint<T> us,
                   const BoundarySet<T>* fill, T* lowest);

/// The same with a precomputed reaction rate per voxel: out = u + dt·(∇·(D∇u) + rate).
template <class T>
void explicit_step_rate(const Box& b, InvH2<T> ih2, T* u, const T* D, const std::uint8_t* label,
                        const VesselTable<T>& held, const T* rate, T* out, T dt, StencilHint<T> us,
                        const BoundarySet<T>* fill, T* lowest);

/// RKL2 stage 1 in increments at every interior voxel (see rkl2_first_voxel).
template <class T>
void rkl2_first(const Box& b, const Rkl2Context<T>& x, T* y0, const T* D, T* m0, T* z1, T f1,
                const BoundarySet<T>* fill);

/// RKL2 stage j ≥ 2 in increments at every interior voxel (see rkl2_stage_voxel): z_prev's halo
/// takes homogeneous boundary values (`fill` = homogeneous(bc)); out may alias z_prev2, never
/// z_prev. Returns the sum of what the last stage clipped [conc·voxel] (super time stepping is
/// not positivity-preserving: fronts steeper than √(D·dt) leave undershoots); 0 on other stages.
template <class T>
double rkl2_stage(const Box& b, const Rkl2Context<T>& x, T* z_prev, const T* z_prev2, const T* y0,
                  const T* m0, const T* D, T* out, const Rkl2Stage<T>& k, bool last,
                  const BoundarySet<T>* fill);

/// Σ u over the interior voxels [conc·voxel], summed in double.
template <class T>
double interior_sum(const Box& b, const T* u);

/// max u over the interior voxels (0 for an empty box).
template <class T>
double interior_max(const Box& b, const T* u);

/// The open rows of a species' D array (halo filled): ny·nz flags, row (j, k) at j + ny·k, 1
/// where every voxel of the row and its six neighbours have D ≠ 0 (see StencilHint).
template <class T>
std::vector<std::uint8_t> open_rows(const Box& b, const T* D);

/// The harmonic face diffusivities of D (halo filled) along each axis: f_a[c] between voxel c and
/// c + stride(a), for every c whose neighbour lies in the padded array (StencilHint::face).
template <class T>
void face_diffusivities(const Box& b, const T* D, T* fx, T* fy, T* fz);

/// D = D_free/(1 + C/C_half) from the driver fields in every interior voxel (0 outside).
template <class T>
void update_diffusivity(const Box& b, const std::uint8_t* label, const DiffusivityDriverView<T>& d,
                        T* D);

}  // namespace lobule::cpu

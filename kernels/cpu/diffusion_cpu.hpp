/// OpenMP launchers of the diffusion formulas (the CPU backend and test oracle). Arrays use the
/// padded layout of the box; `label` is the padded label array (halo voxels kOutside).
#pragma once
#include <cstdint>

#include "../boundary.hpp"
#include "../diffusivity.hpp"
#include "../grid.hpp"
#include "../rkl2.hpp"
#include "../vessels.hpp"

namespace lobule::cpu {

/// Fills the six halo faces of u according to bc (see fill_halo_cell).
template <class T>
void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u);

/// One forward Euler step of ∂u/∂t = ∇·(D∇u) − λu + s over the interior voxels: reads u and D
/// (halos filled), writes out (≠ u). Voxels held by `held` take its values (at the step's
/// end); voxels outside the tissue keep theirs.
template <class T>
void explicit_step(const Box& b, InvH2<T> ih2, const T* u, const T* D, const std::uint8_t* label,
                   const VesselTable<T>& held, T* out, T dt, T decay, T source);

/// The same with a precomputed reaction rate per voxel: out = u + dt·(∇·(D∇u) + rate).
template <class T>
void explicit_step_rate(const Box& b, InvH2<T> ih2, const T* u, const T* D,
                        const std::uint8_t* label, const VesselTable<T>& held, const T* rate,
                        T* out, T dt);

/// RKL2 stage 1 in increments: m0 = M(y0), z1 = f1·m0 with f1 = μ̃₁·dt; held voxels take
/// z1 = value − y0.
template <class T>
void rkl2_first(const Box& b, InvH2<T> ih2, const T* y0, const T* D, const std::uint8_t* label,
                const VesselTable<T>& held, T* m0, T* z1, T f1);

/// RKL2 stage j ≥ 2 in increments (see rkl2_stage): z_prev needs its halo filled with
/// homogeneous boundary values; out may alias z_prev2 (each voxel reads its own value first),
/// never z_prev. The last stage writes the result u = y0 + Z_s instead of Z_s, sets values below
/// zero to zero and returns their sum Σ|v| [conc·voxel] (super time stepping is not
/// positivity-preserving: fronts steeper than √(D·dt) leave undershoots); other stages return 0.
template <class T>
double rkl2_stage(const Box& b, InvH2<T> ih2, const T* z_prev, const T* z_prev2, const T* y0,
                  const T* m0, const T* D, const std::uint8_t* label, const VesselTable<T>& held,
                  T* out, const Rkl2Stage<T>& k, bool last);

/// Σ u over the interior voxels [conc·voxel], summed in double.
template <class T>
double interior_sum(const Box& b, const T* u);

/// D = D_free/(1 + C/C_half) from the driver fields in every interior voxel (0 outside).
template <class T>
void update_diffusivity(const Box& b, const std::uint8_t* label, const DiffusivityDriverView<T>& d,
                        T* D);

}  // namespace lobule::cpu

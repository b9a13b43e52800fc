/// OpenMP launchers of the multigrid formulas (kernels/multigrid.hpp): one loop each around a
/// per-voxel function. Arrays use the padded layout of their level's box.
#pragma once
#include "../multigrid.hpp"

namespace lobule::cpu {

/// The finest level's voxel kinds (MgVoxelKind) from the labels, the held labels and the face
/// kinds, halo included: what MgFineSpec::kinds points at.
template <class T>
void mg_kinds(const Box& b, const std::uint8_t* label, const VesselTable<T>& held,
              const BoundaryKind* kind, std::uint8_t* out);

/// The finest level's operator from its spec: diag and the + faces w (interior voxels; the halo
/// of w is left to mg_wrap_halo).
template <class T>
void mg_build_fine(const MgFineSpec<T>& s, T* diag, T* const w[3]);

/// The level above the finest from its spec and its + faces w (mg_build_fine): every array of
/// `coarse` but diag (mg_finish_diag).
template <class T>
void mg_coarsen_fine(const MgFineSpec<T>& s, const T* const w[3], const MgLevelArrays<T>& coarse);

/// The level above a stored level: every array of `coarse` but diag.
template <class T>
void mg_coarsen(const MgLevelArrays<T>& fine, const BoundaryKind* kind,
                const MgLevelArrays<T>& coarse);

/// diag = mass + the six faces + the Dirichlet couplings of a stored level (w's halo wrapped).
template <class T>
void mg_finish_diag(const MgLevelArrays<T>& lv);

/// Copies the opposite interior plane into the halo of every periodic face (the faces a level's
/// stencil reads across); other halo voxels are left as they are.
template <class T>
void mg_wrap_halo(const Box& b, const BoundaryKind* kind, T* u);

/// `sweeps` sweeps of red–black Gauss–Seidel, x_c = (b_c + Σ w·x_nb)/diag_c colour by colour
/// (mg_colour: red, black, then the last planes of odd periodic axes; `forward` false: the
/// reverse order), x's periodic halo wrapped before each colour.
template <class T>
void mg_smooth(const Box& b, const BoundaryKind* kind, const MgOperator<T>& op, T* x, const T* rhs,
               int sweeps, bool forward);

/// bc_P = Σ_children (b − A x) over the children of every coarse cell P (x's halo wrapped).
template <class T>
void mg_restrict(const Box& fine, const MgOperator<T>& op, const T* x, const T* rhs,
                 const Box& coarse, T* bc);

/// x_c += xc_P at every free fine voxel c of parent P.
template <class T>
void mg_prolong(const Box& coarse, const T* xc, const Box& fine, const MgOperator<T>& op, T* x);

/// x = 0 over the whole padded array.
template <class T>
void mg_zero(const Box& b, T* x);

/// Σ x·y over the interior, in double.
template <class T>
double mg_dot(const Box& b, const T* x, const T* y);

/// The conjugate direction of PCG: p = z + β·p and q = A p = A z + β·q (A linear: one stencil
/// pass over z instead of one over the new p); returns p·q. z's halo must be wrapped.
template <class T>
double mg_direction(const Box& b, const MgOperator<T>& op, const T* z, double beta, T* p, T* q);

/// x += α·p, r −= α·q; returns r·r.
template <class T>
double mg_update(const Box& b, double alpha, const T* p, const T* q, T* x, T* r);

}  // namespace lobule::cpu

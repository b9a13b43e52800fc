/// CUDA launchers of the multigrid and implicit-step formulas (kernels/multigrid.hpp,
/// kernels/implicit_step.hpp); pointers are device pointers, sums are added to a device double
/// (see the CPU launchers in kernels/cpu/multigrid_cpu.hpp and implicit_cpu.hpp for what each
/// computes).
#pragma once
#include "../implicit_step.hpp"
#include "../multigrid.hpp"

namespace lobule::cuda {

template <class T>
void mg_kinds(const Box& b, const std::uint8_t* label, const VesselTable<T>& held,
              const BoundaryKind* kind, std::uint8_t* out);
template <class T>
void mg_build_fine(const MgFineSpec<T>& s, T* diag, T* const w[3]);
template <class T>
void mg_coarsen_fine(const MgFineSpec<T>& s, const T* const w[3], const MgLevelArrays<T>& coarse);
template <class T>
void mg_coarsen(const MgLevelArrays<T>& fine, const BoundaryKind* kind,
                const MgLevelArrays<T>& coarse);
template <class T>
void mg_finish_diag(const MgLevelArrays<T>& lv);
template <class T>
void mg_wrap_halo(const Box& b, const BoundaryKind* kind, T* u);
template <class T>
void mg_smooth(const Box& b, const BoundaryKind* kind, const MgOperator<T>& op, T* x, const T* rhs,
               int sweeps, bool forward);
template <class T>
void mg_restrict(const Box& fine, const MgOperator<T>& op, const T* x, const T* rhs,
                 const Box& coarse, T* bc);
template <class T>
void mg_prolong(const Box& coarse, const T* xc, const Box& fine, const MgOperator<T>& op, T* x);
template <class T>
void mg_zero(const Box& b, T* x);
/// *out += Σ x·y over the interior.
template <class T>
void mg_dot(const Box& b, const T* x, const T* y, double* out);
/// p = z + β·p, q = A z + β·q; *out += Σ p·q.
template <class T>
void mg_direction(const Box& b, const MgOperator<T>& op, const T* z, T beta, T* p, T* q,
                  double* out);
/// x += α·p, r −= α·q; *out += Σ r·r.
template <class T>
void mg_update(const Box& b, T alpha, const T* p, const T* q, T* x, T* r, double* out);

/// m = M(u) at the unknowns, 0 elsewhere (u's halo filled).
template <class T>
void implicit_operator(const Box& b, const Rkl2Context<T>& x, const T* u, const T* D, T* m);
/// u = the table's value at every voxel it holds.
template <class T>
void set_held(const Box& b, const std::uint8_t* label, const VesselTable<T>& held, T* u);
/// out = a1·x1 + a2·x2 (x2 may be nullptr).
template <class T>
void combine(const Box& b, T a1, const T* x1, T a2, const T* x2, T* out);
/// u = max(0, u) over the interior.
template <class T>
void clip_negative(const Box& b, T* u);
/// out = implicit_new_value(u, δ); *clipped += what clipping added.
template <class T>
void implicit_finish(const Box& b, const Rkl2Context<T>& x, const T* u, const T* delta, T* out,
                     double* clipped);

}  // namespace lobule::cuda

/// OpenMP launchers of the implicit step's formulas (kernels/implicit_step.hpp).
#pragma once
#include "../boundary.hpp"
#include "../implicit_step.hpp"

namespace lobule::cpu {

/// m = M(u) at the unknowns, 0 elsewhere (implicit_operator_voxel); u's halo is filled with `fill`
/// first (may be nullptr: filled already).
template <class T>
void implicit_operator(const Box& b, const Rkl2Context<T>& x, T* u, const T* D, T* m,
                       const BoundarySet<T>* fill);

/// u = the table's value at every voxel it holds.
template <class T>
void set_held(const Box& b, const std::uint8_t* label, const VesselTable<T>& held, T* u);

/// out = a1·x1 + a2·x2 over the interior (x2 may be nullptr: out = a1·x1); out may alias either.
template <class T>
void combine(const Box& b, T a1, const T* x1, T a2, const T* x2, T* out);

/// out = implicit_new_value(u, δ) over the interior; returns what clipping added [conc·voxel].
template <class T>
double implicit_finish(const Box& b, const Rkl2Context<T>& x, const T* u, const T* delta, T* out);

/// u = max(0, u) over the interior.
template <class T>
void clip_negative(const Box& b, T* u);

/// max |u − v| over the interior voxels (NaN where either holds one).
template <class T>
double max_abs_difference(const Box& b, const T* u, const T* v);

}  // namespace lobule::cpu

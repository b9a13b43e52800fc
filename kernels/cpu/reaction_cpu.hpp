/// OpenMP launchers of the per-voxel reaction functions of kernels/reaction.hpp, templated on
/// the reaction model so that any model (and test models) can use them.
#pragma once
#include <cstdint>

#include "../grid.hpp"
#include "../reaction.hpp"
#include "omp_grain.hpp"

namespace lobule::cpu {

/// Calls f(VoxelRef) for every interior voxel; rows in parallel, dynamically scheduled (reaction
/// sub-steps make the cost per voxel uneven).
template <class F>
void for_voxels(const Box& b, const VoxelMap& m, F&& f) {
  const auto row = [&](int k, int j) {
    for (int i = 0; i < b.nx; ++i) {
      const std::size_t c = b.idx(i, j, k);
      f(m.at(c, i, j, k));
    }
  };
  if (!parallel_work(b.interior())) {  // see parallel_work: no OpenMP region for small grids
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j) row(k, j);
    return;
  }
#pragma omp parallel for collapse(2) schedule(dynamic, 4)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) row(k, j);
}

/// R(dt) from t at every tissue voxel (see react_at).
template <class T, class R>
void react(const Box& b, const VoxelMap& m, const ReactionFields<T, R::kMaxFields>& f, const R& r,
           T t, T dt, const ReactionControl<T>& ctl) {
  for_voxels(b, m, [&](const VoxelRef& v) { react_at(r, f, v, t, dt, ctl); });
}

/// rate[q] = P_q − L_q·u_q [conc/s] at every interior voxel (see net_rates_at).
template <class T, class R>
void reaction_rates(const Box& b, const VoxelMap& m, const ReactionFields<T, R::kMaxFields>& f,
                    const R& r, T t, T* const* rate) {
  for_voxels(b, m, [&](const VoxelRef& v) { net_rates_at(r, f, v, t, rate); });
}

/// p[q] = P_q and l[q] = L_q at every interior voxel (see production_and_loss_at).
template <class T, class R>
void production_and_loss(const Box& b, const VoxelMap& m, const ReactionFields<T, R::kMaxFields>& f,
                         const R& r, T t, T* const* p, T* const* l) {
  for_voxels(b, m, [&](const VoxelRef& v) { production_and_loss_at(r, f, v, t, p, l); });
}

}  // namespace lobule::cpu

/// OpenMP launchers of the per-voxel reaction step, templated on the reaction model so that
/// any model (and test models) can use them.
#pragma once
#include <cstdint>

#include "../grid.hpp"
#include "../reaction.hpp"
#include "../voxel_class.hpp"
#include "omp_grain.hpp"

namespace lobule::cpu {

/// R(dt) from t at every tissue voxel: the fields of f advance together (exponential midpoint with
/// sub-steps); fields held at a voxel take their vessel values.
template <class T, class R>
void react(const Box& b, const std::uint8_t* label, const ReactionFields<T, R::kMaxFields>& f,
           const R& r, T t, T dt, const ReactionControl<T>& ctl) {
  constexpr int N = R::kMaxFields;
#pragma omp parallel for collapse(2) schedule(dynamic, 4) if (b.interior() >= kParallelMinWork)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = b.idx(i, j, k);
        const std::uint8_t l = label[c];
        if (!is_tissue(l)) continue;
        T u[N] = {};
        for (int q = 0; q < f.n; ++q) u[q] = f.u[q][c];
        const std::uint32_t held = f.held(l);
        react_voxel(r, VoxelRef{c, i, j, k, l}, f.n, held, t, dt, ctl, u);
        for (int q = 0; q < f.n; ++q) f.u[q][c] = ((held >> q) & 1u) ? f.vessel[q].value[l] : u[q];
      }
}

/// rate[q] = P_q − L_q·u_q [conc/s] at every tissue voxel (0 where held or outside).
template <class T, class R>
void reaction_rates(const Box& b, const std::uint8_t* label,
                    const ReactionFields<T, R::kMaxFields>& f, const R& r, T t, T* const* rate) {
  constexpr int N = R::kMaxFields;
#pragma omp parallel for collapse(2) schedule(static) if (b.interior() >= kParallelMinWork)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = b.idx(i, j, k);
        const std::uint8_t l = label[c];
        T u[N] = {}, q_rate[N] = {};
        for (int q = 0; q < f.n; ++q) u[q] = f.u[q][c];
        if (!is_tissue(l)) {
          for (int q = 0; q < f.n; ++q) rate[q][c] = T(0);
          continue;
        }
        net_rates(r, VoxelRef{c, i, j, k, l}, f.n, f.held(l), t, u, q_rate);
        for (int q = 0; q < f.n; ++q) rate[q][c] = q_rate[q];
      }
}

/// p[q] = P_q and l[q] = L_q at every tissue voxel, for the fields whose p[q] is non-null
/// (0 where held or outside): the rates a balanced step freezes.
template <class T, class R>
void production_and_loss(const Box& b, const std::uint8_t* label,
                         const ReactionFields<T, R::kMaxFields>& f, const R& r, T t, T* const* p,
                         T* const* l) {
  constexpr int N = R::kMaxFields;
#pragma omp parallel for collapse(2) schedule(static) if (b.interior() >= kParallelMinWork)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = b.idx(i, j, k);
        const std::uint8_t lab = label[c];
        T u[N] = {}, P[N] = {}, L[N] = {};
        if (is_tissue(lab)) {
          for (int q = 0; q < f.n; ++q) u[q] = f.u[q][c];
          r.rates(t, VoxelRef{c, i, j, k, lab}, f.n, u, P, L);
          release_held(f.held(lab), f.n, P, L);
        }
        for (int q = 0; q < f.n; ++q)
          if (p[q] != nullptr) p[q][c] = P[q], l[q][c] = L[q];
      }
}

}  // namespace lobule::cpu

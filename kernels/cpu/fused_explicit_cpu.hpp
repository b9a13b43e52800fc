/// The fused explicit step of a coupled model on the CPU (ModelKernels::explicit_step): one pass
/// over the grid, row by row. Each row first takes the reaction rates of all its voxels,
///   rate_q = P_q(u) − L_q(u)·u_q   [conc/s]   (0 outside the tissue),
/// into a small buffer that stays in the L1 cache, then each species updates the row,
///   u_q⁺ = u_q + (w·dt)·(∇·(D_q∇u_q) + rate_q)   (w: 1 in the tissue, 0 outside),
/// with the loops of the unfused step (diffusion_cpu_loops.hpp), while the row's fields are still
/// in the cache. Against the unfused step (rates into one array per species, then a pass per
/// species) no rate array is written or read: 17 fields move 2 arrays each instead of 5. The
/// values are the same bits.
///
/// A model with row rates (R::kRowRates: at(t) and voxel_rates(now, label, zone, u, P, L) written
/// for lanes as for one voxel; the liver model) has them computed several voxels at a time
/// (Lanes<T, B>, B bytes; the model's CPU file builds the step for each instruction set); any
/// other model is called voxel by voxel through rates(t, v, n, u, P, L).
#pragma once
#include <algorithm>
#include <type_traits>
#include <utility>
#include <vector>

#include "../model_kernels.hpp"
#include "../static_for.hpp"
#include "diffusion_cpu_loops.hpp"
#include "simd_lanes.hpp"

namespace lobule::cpu {

/// Whether model R has row rates (R::kRowRates).
template <class R, class = void>
inline constexpr bool kRowRates = false;
template <class R>
inline constexpr bool kRowRates<R, std::void_t<decltype(R::kRowRates)>> = R::kRowRates;

namespace {

// The rates of the n fields at the voxels of row `row` (padded index of its first voxel), into
// rate[q·stride + i]. Fields whose vessel value is held at a voxel get their rate like the
// others: the update sets them to the held value afterwards. B > 0: a model with row rates
// (R::kRowRates: at and voxel_rates) takes B bytes of voxels at a time (Lanes<T, B>).
template <class T, class R, int B>
void row_rates(const R& r, const FusedExplicit<T>& x, int n, std::size_t row, int j, int k, T* rate,
               int stride) {
  constexpr int N = R::kMaxFields;
  const int nx = x.box.nx;
  const std::uint8_t* label = x.map.label + row;
  if constexpr (B > 0) {
    if (n == N) {
      using V = Lanes<T, B>;
      constexpr int W = V::kCount;
      // Copies: the model's parameters and the time's terms cannot alias the rates written.
      const R model = r;
      const auto now = r.at(x.t);
      const float* zone = x.map.zone ? x.map.zone + row : nullptr;
      const T* u[N];
      T* out[N];
      static_for<N>([&](auto q) {
        u[q] = x.species[std::size_t(q)].u + row;
        out[q] = rate + std::size_t(q) * std::size_t(stride);
      });
      int i = 0;
      for (; i + W <= nx; i += W) {
        V v[N], P[N], L[N];
        static_for<N>([&](auto q) { v[q] = V::load(u[q] + i); });
        const auto lab = LaneLabels<T, B>::load(label + i);
        model.voxel_rates(now, lab, zone ? load_as<T, B>(zone + i) : V(T(0)), v, P, L);
        const auto tissue = lab != kOutsideVoxel;
        static_for<N>(
            [&](auto q) { select(tissue, P[q] - L[q] * v[q], V(T(0))).store(out[q] + i); });
      }
      for (; i < nx; ++i) {  // the rest of the row, voxel by voxel: the same formula
        T v[N], P[N], L[N];
        static_for<N>([&](auto q) { v[q] = u[q][i]; });
        model.voxel_rates(now, label[i], zone ? T(zone[i]) : T(0), v, P, L);
        const bool tissue = is_tissue(label[i]);
        static_for<N>([&](auto q) { out[q][i] = tissue ? P[q] - L[q] * v[q] : T(0); });
      }
      return;
    }
  }
  for (int i = 0; i < nx; ++i) {
    const std::size_t c = row + std::size_t(i);
    T v[N] = {}, P[N] = {}, L[N] = {};
    const bool tissue = is_tissue(label[i]);
    if (tissue) {
      for (int q = 0; q < n; ++q) v[q] = x.species[std::size_t(q)].u[c];
      r.rates(x.t, x.map.at(c, i, j, k), n, v, P, L);
    }
    for (int q = 0; q < n; ++q)
      rate[std::size_t(q) * std::size_t(stride) + std::size_t(i)] =
          tissue ? P[q] - L[q] * v[q] : T(0);
  }
}

// The fused step (see the top of this file). Returns false when the model has more fields than
// R carries.
template <class T, class R, int B = 0>
bool fused_explicit_step(const FusedExplicit<T>& x, const R& r) {
  constexpr int N = R::kMaxFields;
  const Box& b = x.box;
  const int n = int(x.species.size());
  if (n > N || n == 0) return false;
  // Row strides of the rate buffer: whole cache lines per field.
  const int stride = (b.nx + 15) / 16 * 16;
  std::vector<RowHalo<T>> halo;
  for (const FusedSpecies<T>& s : x.species)
    halo.push_back(row_halo(b, s.D ? s.fill : nullptr, s.u));

  // Row (j, k) of every species; low[q] becomes min(low[q], the values written there).
  const auto row_of = [&](int k, int j, T* rate, T* low) {
    const std::size_t row = b.idx(0, j, k);
    row_rates<T, R, B>(r, x, n, row, j, k, rate, stride);
    for (int q = 0; q < n; ++q) {
      const FusedSpecies<T>& s = x.species[std::size_t(q)];
      const T* rate_q = rate + std::size_t(q) * std::size_t(stride);
      const auto rate_of = [=](std::size_t c) { return rate_q[c - row]; };
      const T written = with_update_stencil(b, s.ih2, s.D, s.hint, [&](const auto& st) {
        return interior_row(b, st, s.lowest ? s.out : nullptr,
                            explicit_update(s.u, x.map.label, s.out, x.dt, rate_of),
                            halo[std::size_t(q)], k, j);
      });
      low[q] = std::min(low[q], written);
    }
  };

  T low[N] = {};
  if (!parallel_work(b.interior())) {
    std::vector<T> rate(std::size_t(n) * std::size_t(stride));
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j) row_of(k, j, rate.data(), low);
  } else {
#pragma omp parallel
    {
      std::vector<T> rate(std::size_t(n) * std::size_t(stride));
#pragma omp for collapse(2) schedule(static) reduction(min : low[:N])
      for (int k = 0; k < b.nz; ++k)
        for (int j = 0; j < b.ny; ++j) row_of(k, j, rate.data(), low);
    }
  }
  for (int q = 0; q < n; ++q) {
    const FusedSpecies<T>& s = x.species[std::size_t(q)];
    finish_explicit_update(b, x.map.label, s.held, s.out, s.lowest, low[q]);
  }
  return true;
}

}  // namespace
}  // namespace lobule::cpu

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
/// A model with row rates (R::kRowRates: at(t) and voxel_rates(now, label, zone, tissue weights,
/// u, P, L) written
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

// What the row rates of model R take from the time t (R::at), nothing for other models.
template <class R, class T>
auto rates_now(const R& r, T t) {
  if constexpr (kRowRates<R>)
    return r.at(t);
  else
    return 0;
}

// The rates of the n fields at the voxels of row `row` (padded index of its first voxel), into
// rate[q·stride + i]. Fields whose vessel value is held at a voxel get their rate like the
// others: the update sets them to the held value afterwards. B > 0: a model with row rates
// (R::kRowRates: at and voxel_rates) takes B bytes of voxels at a time (Lanes<T, B>), and a
// local field (no D) goes straight to its new value, u + (w·dt)·(0 + rate), the explicit update
// with a zero divergence (explicit_update): returns true when it did.
template <class T, class R, int B, class Now>
[[gnu::always_inline]] inline bool row_rates(const R& model, const Now& now,
                                             const FusedExplicit<T>& x, int n, std::size_t row,
                                             int j, int k, T* rate, int stride) {
  constexpr int N = R::kMaxFields;
  const int nx = x.box.nx;
  const std::uint8_t* label = x.map.label + row;
  if constexpr (B > 0 && kRowRates<R>) {
    if (n == N) {
      const float* zone = x.map.zone ? x.map.zone + row : nullptr;
      const float* tissue = x.map.tissue ? x.map.tissue + row : nullptr;
      const std::size_t plane = x.map.plane;
      const T* u[N];
      T* out[N];
      bool local[N];
      static_for<N>([&](auto q) {
        const FusedSpecies<T>& s = x.species[std::size_t(q)];
        u[q] = s.u + row;
        local[q] = s.D == nullptr;
        out[q] = local[q] ? s.out + row : rate + std::size_t(q) * std::size_t(stride);
      });
      const T dt = x.dt;
      // The voxels of the row from i on that lanes V hold (Lanes<T, sizeof(T)>: one voxel, for
      // the rest of a row that does not fill a whole set of lanes; the same formula).
      const auto voxels = [&](auto lanes, int i) __attribute__((always_inline)) {
        using V = decltype(lanes);
        constexpr int kBytes = int(sizeof(V));
        V v[N], P[N], L[N];
        static_for<N>([&](auto q) { v[q] = V::load(u[q] + i); });
        const auto lab = LaneLabels<T, kBytes>::load(label + i);
        const TissueWeights<V> w =
            tissue ? TissueWeights<V>{load_as<T, kBytes>(tissue + i),
                                      load_as<T, kBytes>(tissue + plane + i),
                                      load_as<T, kBytes>(tissue + 2 * plane + i)}
                   : label_weights<V>(lab);
        model.voxel_rates(now, lab, zone ? load_as<T, kBytes>(zone + i) : V(T(0)), w, v, P, L);
        const auto tissue = lab != kOutsideVoxel;
        const V zero = V(T(0)), w_dt = select(tissue, V(dt), zero);
        static_for<N>([&](auto q) {
          const V net = select(tissue, P[q] - L[q] * v[q], zero);
          (local[q] ? v[q] + w_dt * (zero + net) : net).store(out[q] + i);
        });
      };
      int i = 0;
      for (; i + Lanes<T, B>::kCount <= nx; i += Lanes<T, B>::kCount) voxels(Lanes<T, B>{}, i);
      for (; i < nx; ++i) voxels(Lanes<T, int(sizeof(T))>{}, i);
      return true;
    }
  }
  for (int i = 0; i < nx; ++i) {
    const std::size_t c = row + std::size_t(i);
    T v[N] = {}, P[N] = {}, L[N] = {};
    const bool tissue = is_tissue(label[i]);
    if (tissue) {
      for (int q = 0; q < n; ++q) v[q] = x.species[std::size_t(q)].u[c];
      model.rates(x.t, x.map.at(c, i, j, k), n, v, P, L);
    }
    for (int q = 0; q < n; ++q)
      rate[std::size_t(q) * std::size_t(stride) + std::size_t(i)] =
          tissue ? P[q] - L[q] * v[q] : T(0);
  }
  return false;
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
  const auto row_of = [&](const R& model, const auto& now, int k, int j, T* rate, T* low) {
    const std::size_t row = b.idx(0, j, k);
    const bool locals_done = row_rates<T, R, B>(model, now, x, n, row, j, k, rate, stride);
    for (int q = 0; q < n; ++q) {
      const FusedSpecies<T>& s = x.species[std::size_t(q)];
      if (locals_done && !s.D) continue;
      const T* rate_q = rate + std::size_t(q) * std::size_t(stride);
      const auto rate_of = [=](std::size_t c) { return rate_q[c - row]; };
      with_update_stencil(b, s.ih2, s.D, s.hint, [&](const auto& st) {
        return interior_row(b, st, x.map.label, kNotWritten<T>,
                            explicit_update(s.u, s.out, x.dt, rate_of), halo[std::size_t(q)], k, j);
      });
    }
    // The values written, scanned once every species has its row: read back right after they
    // were stored, they would wait for the stores (a tenth of the liver model's step).
    for (int q = 0; q < n; ++q) {
      const FusedSpecies<T>& s = x.species[std::size_t(q)];
      if (s.lowest) low[q] = std::min(low[q], row_lowest(s.out + row, b.nx));
    }
  };

  T low[N] = {};
#pragma omp parallel if (parallel_work(b.interior()))
  {
    // Each thread's own copies: the model's parameters and the terms of time t, which then
    // cannot alias the values written.
    const R model = r;
    const auto now = rates_now(model, x.t);
    std::vector<T> rate(std::size_t(n) * std::size_t(stride));
#pragma omp for collapse(2) schedule(static) reduction(min : low[:N])
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j) row_of(model, now, k, j, rate.data(), low);
  }
  for (int q = 0; q < n; ++q) {
    const FusedSpecies<T>& s = x.species[std::size_t(q)];
    finish_explicit_update(b, x.map.label, s.held, s.out, s.lowest, low[q]);
  }
  return true;
}

}  // namespace
}  // namespace lobule::cpu

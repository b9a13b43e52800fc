/// The CPU loops of the diffusion formulas, compiled once per instruction set: each
/// diffusion_cpu_<isa>.cpp includes this file and exports the loops as a CpuLoops table
/// (diffusion_cpu_isa.hpp); diffusion_cpu.cpp picks the table at run time. Everything here has
/// internal linkage, so the copies built for different instruction sets never meet at link time.
/// Include it from those translation units and from fused_explicit_cpu.hpp (the fused step of a
/// coupled model, which runs these loops row by row).
#pragma once
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "../diffusion_stencil.hpp"
#include "diffusion_cpu_isa.hpp"
#include "omp_grain.hpp"

namespace lobule::cpu {
namespace {

// Calls f(c) for every interior voxel, rows (k, j) in parallel, x innermost.
template <class F>
void for_interior(const Box& b, F&& f) {
  for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    const std::size_t row = b.idx(0, j, k);
#pragma omp simd
    for (int i = 0; i < b.nx; ++i) f(row + std::size_t(i));
  });
}

// Σ f(c) over the interior voxels, in double.
template <class F>
double sum_interior(const Box& b, F&& f) {
  const auto row_sum = [&](int k, int j) {
    const std::size_t row = b.idx(0, j, k);
    double sum = 0;
#pragma omp simd reduction(+ : sum)
    for (int i = 0; i < b.nx; ++i) sum += f(row + std::size_t(i));
    return sum;
  };
  double sum = 0;
  if (!parallel_work(b.interior())) {
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j) sum += row_sum(k, j);
    return sum;
  }
#pragma omp parallel for collapse(2) schedule(static) reduction(+ : sum)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) sum += row_sum(k, j);
  return sum;
}

// min(0, the n values at v): the sign bits of a row are OR-ed first (integer operations that
// vectorize; a floating-point min does not, for its NaN rules), the minimum taken only for a row
// with a negative value in it.
template <class T>
T row_lowest(const T* v, int n) {
  using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  Bits any = 0;
#pragma omp simd reduction(| : any)
  for (int i = 0; i < n; ++i) {
    Bits b;
    std::memcpy(&b, v + i, sizeof b);
    any |= b;
  }
  T lowest = T(0);
  if (any >> (8 * sizeof(Bits) - 1))
    for (int i = 0; i < n; ++i) lowest = std::min(lowest, v[i]);
  return lowest;
}

// The divergence ∇·(D∇y) of one species as the loops call it: div(y, c) at any voxel, open(y, c)
// in the rows that `rows` marks open (every face of every voxel open; nullptr: none is).
template <class Div, class Open>
struct RowStencil {
  Div div;
  Open open;
  const std::uint8_t* rows;
};
template <class Div, class Open>
RowStencil<Div, Open> row_stencil(Div div, Open open, const std::uint8_t* rows) {
  return {div, open, rows};
}

// For loops that need no divergence, and loops whose writes need no scan.
constexpr RowStencil<int, int> kNoStencil{0, 0, nullptr};
template <class T>
constexpr const T* kNotWritten = nullptr;

// The kind of row a row loop's body runs in: an open row (every face of every voxel open, all
// of it tissue) or any other, whose voxels' tissue weights (tissue_weight of their labels) the
// row loop has put in a buffer, weight[c − row].
using OpenRow = std::true_type;
template <class T>
struct AnyRow : std::false_type {
  const T* weight;
  std::size_t row;
};

// The tissue weight of voxel c as the row loops see it: 1 in an open row (every voxel there has
// D ≠ 0, which only tissue has), else from the row's buffer. The buffer, not the label: a loop
// that reads one-byte labels is sized by them (32 voxels per iteration with 32-byte vectors), and
// a row of 120 voxels then ran its last 24 in a 16-byte epilogue and a scalar one.
template <class T, class Open>
RD_FORCEINLINE T row_weight(const Open& open, std::size_t c) {
  if constexpr (Open::value) {
    return T(1);
  } else {
    return T(open.weight[c - open.row]);
  }
}

// Voxels of a row whose weights one buffer holds (the row loop takes longer rows in such chunks).
constexpr int kWeightChunk = 256;

// The halo of a launcher's input u, filled row by row as the loops go (concentrations; see
// halo_value): row (j, k) fills the halo voxels its 7-point stencil reads, which no other row
// reads: its own two x-face voxels, and the y- and z-face rows beside it where it lies on those
// faces. Together the rows fill every face voxel that fill_halo fills, with the same values
// (each from interior voxels, which no launcher writes in its input), with no pass and no
// barrier of their own. bc == nullptr: the halo is filled already.
template <class T>
struct RowHalo {
  const BoundarySet<T>* bc = nullptr;
  T* u = nullptr;
  FacePlanes face[kFaces] = {};
};
template <class T>
RowHalo<T> row_halo(const Box& b, const BoundarySet<T>* bc, T* u) {
  RowHalo<T> h;
  h.bc = bc;
  h.u = u;
  for (int f = 0; f < kFaces; ++f) h.face[f] = face_planes(b, f);
  return h;
}
constexpr RowHalo<float> kNoRowHalo{};

// Face f's halo voxel at offset o (see FacePlanes) from its interior neighbours.
template <class T>
[[gnu::always_inline]] inline void fill_face_voxel(const RowHalo<T>& h, int f, std::size_t o) {
  const FacePlanes& p = h.face[f];
  h.u[p.halo + o] = halo_value(h.bc->kind[f], HaloOf::Concentration, h.bc->value[f],
                               h.u[p.adjacent + o], h.u[p.opposite + o]);
}

// Face f's n halo voxels from offset o on, contiguous along x: halo_value's three cases as one
// loop each (2·V − u_a as halo_value computes it: 2·V is exact). halo_value itself in the loop
// does not vectorize: GCC 12 does not take its switch out of the loop.
template <class T>
void fill_face_run(const RowHalo<T>& h, int f, std::size_t o, int n) {
  const FacePlanes& p = h.face[f];
  T* __restrict__ halo = h.u + p.halo + o;
  const T* __restrict__ adjacent = h.u + p.adjacent + o;
  const T* __restrict__ opposite = h.u + p.opposite + o;
  switch (h.bc->kind[f]) {
    case BoundaryKind::Periodic:
#pragma omp simd
      for (int i = 0; i < n; ++i) halo[i] = opposite[i];
      break;
    case BoundaryKind::Dirichlet: {
      const T twice = T(2) * h.bc->value[f];
#pragma omp simd
      for (int i = 0; i < n; ++i) halo[i] = twice - adjacent[i];
      break;
    }
    default:
#pragma omp simd
      for (int i = 0; i < n; ++i) halo[i] = adjacent[i];
  }
}

template <class T>
[[gnu::always_inline]] inline void fill_row_halo(const Box& b, const RowHalo<T>& h, int j, int k) {
  if (!h.bc) return;
  const std::size_t sy = b.sy(), sz = b.sz();
  const std::size_t x_face = std::size_t(j) * sy + std::size_t(k) * sz;
  fill_face_voxel(h, 0, x_face);
  fill_face_voxel(h, 1, x_face);
  if (j == 0) fill_face_run(h, 2, std::size_t(k) * sz, b.nx);
  if (j == b.ny - 1) fill_face_run(h, 3, std::size_t(k) * sz, b.nx);
  if (k == 0) fill_face_run(h, 4, std::size_t(j) * sy, b.nx);
  if (k == b.nz - 1) fill_face_run(h, 5, std::size_t(j) * sy, b.nx);
}

// Row (j, k) of for_interior_rows: fills its part of the input's halo, calls f(c, div, open) for
// its voxels in one loop that vectorizes (in rows that are not open, chunks of kWeightChunk
// voxels, their tissue weights from `label` first; a body without row_weight may pass no label),
// and returns min(0, written over the row) (0 without `written`). Out of line: inlined into a
// larger loop (a serial caller, the fused step's rows) GCC left the loop scalar ("bad loop form").
template <class T, class S, class F, class H = float>
[[gnu::noinline]] T interior_row(const Box& b, const S& st, const std::uint8_t* label,
                                 const T* written, F&& f, const RowHalo<H>& halo, int k, int j) {
  fill_row_halo(b, halo, j, k);
  const std::size_t row = b.idx(0, j, k);
  // A copy of the body in this frame: its captures cannot alias the stores of the loop, so GCC
  // keeps them in registers (through f it reloaded the RKL2 stage's coefficients every iteration).
  auto body = f;
  if (st.rows && st.rows[std::size_t(j) + std::size_t(b.ny) * std::size_t(k)]) {
#pragma omp simd
    for (int i = 0; i < b.nx; ++i) body(row + std::size_t(i), st.open, OpenRow{});
  } else {
    alignas(64) T weight[kWeightChunk];
    for (int i0 = 0; i0 < b.nx; i0 += kWeightChunk) {
      const int n = std::min(kWeightChunk, b.nx - i0);
      const std::size_t chunk = row + std::size_t(i0);
      if (label) {
#pragma omp simd
        for (int i = 0; i < n; ++i) weight[i] = tissue_weight<T>(label[chunk + std::size_t(i)]);
      }
      const AnyRow<T> any{{}, weight, chunk};
#pragma omp simd
      for (int i = 0; i < n; ++i) body(chunk + std::size_t(i), st.div, any);
    }
  }
  return written ? row_lowest(written + row, b.nx) : T(0);
}

// Calls f(c, div, open) for every interior voxel, rows (k, j) in parallel, x innermost, div the
// stencil's open form in its open rows (open: OpenRow) and its general form in the others (open:
// AnyRow); either way one loop per row that vectorizes. Each row first fills its part of the
// input's halo (RowHalo). With `written` ≠ nullptr returns min(0, written over the interior):
// each row is scanned right after f wrote it, while it is in the cache (a reduction in the loop
// that calls f kept GCC from vectorizing it: 2.6× slower); 0 otherwise.
template <class T, class S, class F, class H = float>
T for_interior_rows(const Box& b, const S& st, const std::uint8_t* label, const T* written, F&& f,
                    const RowHalo<H>& halo = kNoRowHalo) {
  const auto row_of = [&](int k, int j) {
    return interior_row(b, st, label, written, f, halo, k, j);
  };
  T lowest = T(0);
  if (!parallel_work(b.interior())) {
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j) lowest = std::min(lowest, row_of(k, j));
    return lowest;
  }
#pragma omp parallel for collapse(2) schedule(static) reduction(min : lowest)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) lowest = std::min(lowest, row_of(k, j));
  return lowest;
}

// Calls f(c, value) for every interior voxel that the vessel table holds (after a branch-free
// pass that treated those voxels as tissue): from its list of voxels, or a pass over the labels.
template <class T, class F>
void for_held(const Box& b, const std::uint8_t* label, const VesselTable<T>& held, F&& f) {
  if (!held.any()) return;
  if (held.voxels) {  // the list of held voxels: a few percent of the grid in a lobule
    for_each_index(held.voxel_count, held.voxel_count, [&](long long q) {
      const std::size_t c = held.voxels[q];
      f(c, held.value[label[c]]);
    });
    return;
  }
  for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    const std::size_t row = b.idx(0, j, k);
    for (int i = 0; i < b.nx; ++i) {
      const std::size_t c = row + std::size_t(i);
      if (held.holds(label[c])) f(c, held.value[label[c]]);
    }
  });
}

// Calls f with the divergence of one species as a RowStencil: for a constant-coefficient species
// (us.d > 0, D the same in all the tissue) the division-free one (uniform_divergence) and in its
// open rows the mask-free one (open_divergence); with precomputed faces (us.face) the
// division-free face_divergence; otherwise the harmonic-face stencil. Chosen once per launch.
template <class T, class F>
decltype(auto) with_stencil(const T* D, std::size_t sy, std::size_t sz, InvH2<T> ih2,
                            StencilHint<T> us, F&& f) {
  if (us.d > T(0)) {
    const InvH2<T> ih2d{ih2.x * us.d, ih2.y * us.d, ih2.z * us.d};
    return f(row_stencil(
        [=](const T* y, std::size_t c) { return uniform_divergence(y, D, c, sy, sz, ih2d); },
        [=](const T* y, std::size_t c) { return open_divergence(y, c, sy, sz, ih2d); },
        us.open_rows));
  }
  if (us.face[0]) {
    const T *fx = us.face[0], *fy = us.face[1], *fz = us.face[2];
    const auto faces = [=](const T* y, std::size_t c) {
      return face_divergence(y, c, sy, sz, ih2, fx, fy, fz);
    };
    return f(row_stencil(faces, faces, nullptr));
  }
  const auto harmonic = [=](const T* y, std::size_t c) {
    return diffusion_divergence(y, D, c, sy, sz, ih2);
  };
  return f(row_stencil(harmonic, harmonic, nullptr));
}

// Face by face, rows of the face in parallel: the same values as fill_halo_cell without its
// divisions (which cost a fifth of an explicit step at 128³).
template <class T>
void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u) {
  // Row q2 of face f. The faces write disjoint halo cells and read interior ones only.
  const auto face_row = [=](int f, int q2) {
    const FacePlanes p = face_planes(b, f);
    const int n1 = b.extent(p.axis1);
    const std::size_t s1 = b.stride(p.axis1), s2 = b.stride(p.axis2);
    for (int q1 = 0; q1 < n1; ++q1) {
      const std::size_t o = std::size_t(q1) * s1 + std::size_t(q2) * s2;
      u[p.halo + o] =
          halo_value(bc.kind[f], what, bc.value[f], u[p.adjacent + o], u[p.opposite + o]);
    }
  };
  const auto rows = [&](int f) { return b.extent(face_planes(b, f).axis2); };
  std::size_t cells = 0;
  for (int f = 0; f < kFaces; ++f) cells += face_cells(b, f);
  if (!parallel_work(cells)) {
    for (int f = 0; f < kFaces; ++f)
      for (int q2 = 0; q2 < rows(f); ++q2) face_row(f, q2);
    return;
  }
  // All six faces in one region, no barrier between them: a face alone is often below the
  // parallel grain (128² cells), and the strided x faces would leave the other threads waiting.
#pragma omp parallel
  for (int f = 0; f < kFaces; ++f) {
    const int n2 = rows(f);
#pragma omp for schedule(static) nowait
    for (int q2 = 0; q2 < n2; ++q2) face_row(f, q2);
  }
}

// The explicit update of one voxel, f(c, div, open) for the row loops: u + (w·dt)·(div + rate)
// with w the tissue weight.
template <class T, class Rate>
auto explicit_update(const T* u, T* __restrict__ out, T dt, Rate rate_of) {
  return [=](std::size_t c, const auto& div, auto open) {
    out[c] = u[c] + (row_weight<T>(open, c) * dt) * (div(u, c) + rate_of(c));
  };
}

// Calls f with the RowStencil of an explicit update: with_stencil's for a diffusing species,
// a zero divergence for a local field (D == nullptr; it needs no halo either).
template <class T, class F>
decltype(auto) with_update_stencil(const Box& b, InvH2<T> ih2, const T* D, StencilHint<T> us,
                                   F&& f) {
  if (D) return with_stencil(D, b.sy(), b.sz(), ih2, us, f);
  const auto none = [](const T*, std::size_t) { return T(0); };
  return f(row_stencil(none, none, nullptr));
}

// After the row loops of an explicit update: held voxels set to their values from their list,
// and the lowest value written (`low`, as the rows saw it) recorded in *lowest.
template <class T>
void finish_explicit_update(const Box& b, const std::uint8_t* label, const VesselTable<T>& held,
                            T* out, T* lowest, T low) {
  for_held(b, label, held, [&](std::size_t c, T value) { out[c] = value; });
  // The vectorized pass computed held voxels as tissue before they were set: when it saw a
  // negative value, look again at the values as they stand (rare: a failing run).
  if (low < T(0) && held.any() && lowest)
    low = for_interior_rows(b, kNoStencil, nullptr, out, [](std::size_t, const auto&, auto) {});
  if (lowest) *lowest = std::min(*lowest, low);
}

// The explicit update with the reaction rate rate_of(c): a branch-free loop the compiler
// vectorizes (the label enters as the tissue weight; a local field, without D, takes a zero
// divergence), then held voxels set to their values from their list. The same values as
// explicit_voxel: u + (1·dt)·(div + rate) in tissue, u + (0·dt)·(…) = u outside (the rates are
// finite there). With `lowest` (may be nullptr) min(0, every value written) is recorded there:
// the check between outputs that no step went negative (forward Euler is positive only while dt
// is small enough).
template <class T, class Rate>
void explicit_update_all(const Box& b, InvH2<T> ih2, T* u, const T* __restrict__ D,
                         const std::uint8_t* __restrict__ label, const VesselTable<T>& held,
                         T* __restrict__ out, T dt, StencilHint<T> us, const BoundarySet<T>* fill,
                         T* lowest, Rate&& rate_of) {
  const T* scan = lowest ? out : nullptr;
  const T low = with_update_stencil(b, ih2, D, us, [&](const auto& st) {
    return for_interior_rows(b, st, label, scan, explicit_update(u, out, dt, rate_of),
                             row_halo(b, D ? fill : nullptr, u));
  });
  finish_explicit_update(b, label, held, out, lowest, low);
}

template <class T>
void explicit_step(const Box& b, InvH2<T> ih2, T* u, const T* D, const std::uint8_t* label,
                   const VesselTable<T>& held, T* out, T dt, T decay, T source, StencilHint<T> us,
                   const BoundarySet<T>* fill, T* lowest) {
  explicit_update_all(b, ih2, u, D, label, held, out, dt, us, fill, lowest,
                      [&](std::size_t c) { return linear_reaction(u[c], decay, source); });
}

template <class T>
void explicit_step_rate(const Box& b, InvH2<T> ih2, T* u, const T* D, const std::uint8_t* label,
                        const VesselTable<T>& held, const T* rate, T* out, T dt, StencilHint<T> us,
                        const BoundarySet<T>* fill, T* lowest) {
  explicit_update_all(b, ih2, u, D, label, held, out, dt, us, fill, lowest,
                      [&](std::size_t c) { return rate[c]; });
}

// RKL2 stages: stage 1 and the inner stages are written without branches, the label entering as
// the tissue weight w (M = w·(…) is 0 outside, as rkl2_operator's masked value), so that the
// loops vectorize; held voxels then take M = 0 and Z = value − y0 in a pass over the labels.
// The last stage (clipping and its sum) takes the general voxel function. Both give the same
// values.
template <class T>
void rkl2_first(const Box& b, const Rkl2Context<T>& x, T* y0, const T* D, T* m0, T* z1, T f1,
                const BoundarySet<T>* fill) {
  with_rates(x.rates, [&](const auto& r) {
    with_stencil(D, x.sy, x.sz, x.ih2, x.uniform, [&](const auto& st) {
      for_interior_rows(
          b, st, x.label, kNotWritten<T>,
          [&](std::size_t c, const auto& div, auto open) {
            const T m = row_weight<T>(open, c) * (div(y0, c) - r.loss(c) * y0[c] + r.production(c));
            m0[c] = m;
            z1[c] = f1 * m;
          },
          row_halo(b, fill, y0));
    });
    for_held(b, x.label, x.held, [&](std::size_t c, T value) {
      m0[c] = T(0);
      z1[c] = value - y0[c];
    });
  });
}

template <class T>
double rkl2_stage(const Box& b, const Rkl2Context<T>& x, T* z_prev, const T* z_prev2, const T* y0,
                  const T* m0, const T* D, T* out, const Rkl2Stage<T>& k, bool last,
                  const BoundarySet<T>* fill) {
  return with_rates(x.rates, [&](const auto& r) {
    if (!last) {  // out may alias z_prev2: each voxel reads its own first
      with_stencil(D, x.sy, x.sz, x.ih2, x.uniform, [&](const auto& st) {
        for_interior_rows(
            b, st, x.label, kNotWritten<T>,
            [&, k](std::size_t c, const auto& div, auto open) {
              const T mz = row_weight<T>(open, c) * (div(z_prev, c) - r.loss(c) * z_prev[c]);
              out[c] = rkl2_stage_value(k, z_prev[c], z_prev2[c], m0[c], mz);
            },
            row_halo(b, fill, z_prev));
      });
      for_held(b, x.label, x.held, [&](std::size_t c, T value) { out[c] = value - y0[c]; });
      return 0.0;
    }
    if (fill) fill_halo(b, *fill, HaloOf::Concentration, z_prev);
    return sum_interior(b, [&](std::size_t c) {
      return rkl2_stage_voxel(x, r, c, z_prev, z_prev2, y0, m0, D, out, k, last);
    });
  });
}

template <class T>
double interior_sum(const Box& b, const T* u) {
  return sum_interior(b, [&](std::size_t c) { return double(u[c]); });
}

template <class T>
double interior_max(const Box& b, const T* u) {
  const auto row_max = [&](int k, int j) {
    const std::size_t row = b.idx(0, j, k);
    double m = 0;
    for (int i = 0; i < b.nx; ++i) m = std::max(m, double(u[row + std::size_t(i)]));
    return m;
  };
  double m = 0;
  if (!parallel_work(b.interior())) {
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j) m = std::max(m, row_max(k, j));
    return m;
  }
#pragma omp parallel for collapse(2) schedule(static) reduction(max : m)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) m = std::max(m, row_max(k, j));
  return m;
}

template <class T>
std::vector<std::uint8_t> open_rows(const Box& b, const T* D) {
  std::vector<std::uint8_t> rows(std::size_t(b.ny) * std::size_t(b.nz), 0);
  const std::size_t sy = b.sy(), sz = b.sz();
  for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    bool open = true;
    for (int i = 0; i < b.nx && open; ++i) {
      const std::size_t c = b.idx(i, j, k);
      for (std::size_t n : {c, c - 1, c + 1, c - sy, c + sy, c - sz, c + sz})
        open = open && D[n] != T(0);
    }
    rows[std::size_t(j) + std::size_t(b.ny) * std::size_t(k)] = open;
  });
  return rows;
}

template <class T>
void face_diffusivities(const Box& b, const T* D, T* fx, T* fy, T* fz) {
  const std::size_t n = b.padded();
  T* face[3] = {fx, fy, fz};
  for (int a = 0; a < 3; ++a) {
    const std::size_t s = b.stride(a);
    T* F = face[a];
    const auto m = static_cast<long long>(n - s);
    if (!parallel_work(n)) {
#pragma omp simd
      for (long long c = 0; c < m; ++c) F[c] = face_diffusivity(D[c], D[c + std::size_t(s)]);
      continue;
    }
#pragma omp parallel for simd schedule(static)
    for (long long c = 0; c < m; ++c) F[c] = face_diffusivity(D[c], D[c + std::size_t(s)]);
  }
}

template <class T>
void update_diffusivity(const Box& b, const std::uint8_t* label, const DiffusivityDriverView<T>& d,
                        T* D) {
  for_interior(b, [&](std::size_t c) { D[c] = driven_diffusivity(d, label, c); });
}

// The loops of this instruction set as a table.
template <class T>
CpuLoops<T> loops_table() {
  CpuLoops<T> t;
  t.fill_halo = &fill_halo<T>;
  t.explicit_step = &explicit_step<T>;
  t.explicit_step_rate = &explicit_step_rate<T>;
  t.rkl2_first = &rkl2_first<T>;
  t.rkl2_stage = &rkl2_stage<T>;
  t.interior_sum = &interior_sum<T>;
  t.interior_max = &interior_max<T>;
  t.open_rows = &open_rows<T>;
  t.face_diffusivities = &face_diffusivities<T>;
  t.update_diffusivity = &update_diffusivity<T>;
  return t;
}

}  // namespace
}  // namespace lobule::cpu

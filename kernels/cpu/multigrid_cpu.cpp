// The OpenMP launchers of multigrid_cpu.hpp.
#include "multigrid_cpu.hpp"

#include <vector>

#include "omp_grain.hpp"

namespace lobule::cpu {
namespace {

// Σ row(k, j) over the rows of box b.
template <class F>
double sum_rows(const Box& b, F&& row) {
  return cpu::sum_rows(b.nz, b.ny, b.interior(), row);
}

template <class T, class Src>
void coarsen_from(const Src& src, const MgLevelArrays<T>& coarse) {
  const Box& cb = coarse.box;
  for_rows(cb.nz, cb.ny, 8 * cb.interior(), [&](int k, int j) {
    for (int i = 0; i < cb.nx; ++i)
      mg_store(coarse, cb.idx(i, j, k), mg_coarse_cell<T>(src, cb, i, j, k));
  });
}

// The finest level's diag and + faces along one row (omp simd: the outputs alias no input).
template <class T, class Rates>
void build_fine_row(const MgFineSpec<T>& s, const Rates& r, std::size_t row, int n,
                    T* __restrict__ diag, T* __restrict__ w0, T* __restrict__ w1,
                    T* __restrict__ w2) {
#pragma omp simd
  for (int i = 0; i < n; ++i) {
    const std::size_t c = row + std::size_t(i);
    const MgCell<T> m = mg_fine_cell_at(s, r, c);
    diag[c] = mg_diagonal(m, m.wm);
    w0[c] = m.w[0], w1[c] = m.w[1], w2[c] = m.w[2];
  }
}

}  // namespace

template <class T>
void mg_kinds(const Box& b, const std::uint8_t* label, const VesselTable<T>& held,
              const BoundaryKind* kind, std::uint8_t* out) {
  for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    const std::size_t row = b.idx(0, j, k);
    for (int i = 0; i < b.nx; ++i)
      out[row + std::size_t(i)] = mg_voxel_kind(label[row + std::size_t(i)], held);
  });
  for (int f = 0; f < kFaces; ++f)
    for (std::size_t n = 0; n < face_cells(b, f); ++n) mg_kind_halo_cell(b, kind, f, n, out);
}

template <class T>
void mg_build_fine(const MgFineSpec<T>& s, T* diag, T* const w[3]) {
  const Box& b = s.box;
  with_rates(s.rates, [&](auto r) {
    for_rows(b.nz, b.ny, 8 * b.interior(), [&](int k, int j) {
      build_fine_row(s, r, b.idx(0, j, k), b.nx, diag, w[0], w[1], w[2]);
    });
  });
}

template <class T>
void mg_coarsen_fine(const MgFineSpec<T>& s, const T* const w[3], const MgLevelArrays<T>& coarse) {
  with_rates(s.rates, [&](auto r) {
    coarsen_from(MgFineSource<T, decltype(r)>{s, r, {w[0], w[1], w[2]}}, coarse);
  });
}

template <class T>
void mg_coarsen(const MgLevelArrays<T>& fine, const BoundaryKind* kind,
                const MgLevelArrays<T>& coarse) {
  MgCoarseSource<T> src{fine, {}};
  for (int f = 0; f < kFaces; ++f) src.kinds[f] = kind[f];
  coarsen_from(src, coarse);
}

template <class T>
void mg_finish_diag(const MgLevelArrays<T>& lv) {
  const Box& b = lv.box;
  for_rows(b.nz, b.ny, 4 * b.interior(), [&](int k, int j) {
    for (int i = 0; i < b.nx; ++i) lv.diag[b.idx(i, j, k)] = mg_level_diagonal(lv, b.idx(i, j, k));
  });
}

// The periodic faces of u's halo: body(f, n) for every cell n of every periodic face f.
template <class F>
void for_wrap_cells(const Box& b, const BoundaryKind* kind, F&& body) {
  for (int f = 0; f < kFaces; ++f)
    if (kind[f] == BoundaryKind::Periodic)
      for (std::size_t n = 0; n < face_cells(b, f); ++n) body(f, n);
}

template <class T>
void wrap_cell(const Box& b, int f, std::size_t n, T* u) {
  BoundarySet<T> bc;
  bc.kind[f] = BoundaryKind::Periodic;
  fill_halo_cell(b, bc, HaloOf::Concentration, f, n, u);
}

template <class T>
void mg_wrap_halo(const Box& b, const BoundaryKind* kind, T* u) {
  for_wrap_cells(b, kind, [&](int f, std::size_t n) { wrap_cell(b, f, n, u); });
}

// The Gauss–Seidel values of row (j, k) written to the voxels of `colour` (mg_colour), every
// second voxel of the row (they read only other colours, which this pass does not write). A row
// in the last plane of an odd periodic y or z axis holds only colours with that bit; the last
// voxel of an odd periodic x axis is a colour of its own. (Computing the whole row into a
// buffer, a loop that vectorizes, then copying the colour's half took as long in float and 1.3
// times as long in double: bench/RESULTS.md.)
template <class T>
void smooth_row(const Box& b, const MgOperator<T>& op, T* x, const T* rhs, int colour, unsigned odd,
                int j, int k) {
  const int row_bits = (((odd >> 1) & 1u) && j + b.oy == b.gy - 1 ? 4 : 0) |
                       (((odd >> 2) & 1u) && k + b.oz == b.gz - 1 ? 8 : 0);
  if ((colour & 12) != row_bits) return;
  const std::size_t row = b.idx(0, j, k);
  const bool x_last = (odd & 1u) != 0;
  if (colour & 2) {  // the last voxel of an odd periodic x axis
    const int i = b.nx - 1;
    if (x_last && i + b.ox == b.gx - 1 && mg_colour(b, odd, i, j, k) == colour)
      x[row + std::size_t(i)] = mg_gauss_seidel_at(op, x, rhs, row + std::size_t(i));
    return;
  }
  const int end = x_last && b.nx + b.ox == b.gx ? b.nx - 1 : b.nx;
  const int first = ((colour & 1) + mg_colour(b, 0, 0, j, k)) & 1;
  for (int i = first; i < end; i += 2)
    x[row + std::size_t(i)] = mg_gauss_seidel_at(op, x, rhs, row + std::size_t(i));
}

// The sweeps in one parallel region (a barrier after each wrap and each colour), or serially
// without OpenMP constructs on a small level.
template <class T>
void smooth_sweeps(const Box& b, const BoundaryKind* kind, const MgOperator<T>& op, T* x,
                   const T* rhs, int sweeps, bool forward) {
  const unsigned odd = mg_odd_periodic(b, kind);
  const auto colour_at = [&](int q) { return forward ? q : kMgColours - 1 - q; };
  if (!parallel_work(8 * b.interior())) {
    for (int s = 0; s < sweeps; ++s)
      for (int q = 0; q < kMgColours; ++q) {
        const int c = colour_at(q);
        if (!mg_colour_used(c, odd)) continue;
        mg_wrap_halo(b, kind, x);
        for (int k = 0; k < b.nz; ++k)
          for (int j = 0; j < b.ny; ++j) smooth_row(b, op, x, rhs, c, odd, j, k);
      }
    return;
  }
#pragma omp parallel
  {
    for (int s = 0; s < sweeps; ++s)
      for (int q = 0; q < kMgColours; ++q) {
        const int c = colour_at(q);
        if (!mg_colour_used(c, odd)) continue;
#pragma omp for schedule(static)
        for (int f = 0; f < kFaces; ++f)
          if (kind[f] == BoundaryKind::Periodic)
            for (std::size_t n = 0; n < face_cells(b, f); ++n) wrap_cell(b, f, n, x);
#pragma omp for collapse(2) schedule(static)
        for (int k = 0; k < b.nz; ++k)
          for (int j = 0; j < b.ny; ++j) smooth_row(b, op, x, rhs, c, odd, j, k);
      }
  }
}

template <class T>
void mg_smooth(const Box& b, const BoundaryKind* kind, const MgOperator<T>& op, T* x, const T* rhs,
               int sweeps, bool forward) {
  smooth_sweeps(b, kind, op, x, rhs, sweeps, forward);
}

// out[i] = (b − A x) of voxel row + i where it is an unknown, 0 elsewhere.
template <class T>
void residual_row(const MgOperator<T> op, const T* __restrict__ x, const T* __restrict__ rhs,
                  std::size_t row, int n, T* __restrict__ out) {
#pragma omp simd
  for (int i = 0; i < n; ++i) out[i] = mg_residual_at(op, x, rhs, row + std::size_t(i));
}

// Coarse row by coarse row: the residuals of its (up to four) fine rows, vectorized, then summed
// in pairs along x (mg_restrict_at's values, in its order).
template <class T>
void mg_restrict(const Box& fine, const MgOperator<T>& op, const T* x, const T* rhs,
                 const Box& coarse, T* bc) {
  const int fy = mg_coarsens(fine, 1) ? 2 : 1, fz = mg_coarsens(fine, 2) ? 2 : 1;
  const bool pairs = mg_coarsens(fine, 0);
  const bool parallel = parallel_work(8 * fine.interior());
#pragma omp parallel if (parallel)
  {
    std::vector<T> res(std::size_t(fine.nx) + 1, T(0));
#pragma omp for collapse(2) schedule(static)
    for (int K = 0; K < coarse.nz; ++K)
      for (int J = 0; J < coarse.ny; ++J) {
        T* out = bc + coarse.idx(0, J, K);
        for (int I = 0; I < coarse.nx; ++I) out[I] = T(0);
        for (int oz = 0; oz < fz; ++oz)
          for (int oy = 0; oy < fy; ++oy) {
            const int j = fy * J + oy, k = fz * K + oz;
            if (j >= fine.ny || k >= fine.nz) continue;
            residual_row(op, x, rhs, fine.idx(0, j, k), fine.nx, res.data());
            res[std::size_t(fine.nx)] = T(0);  // the missing partner of an odd row's last voxel
            if (pairs)
              for (int I = 0; I < coarse.nx; ++I)
                out[I] += res[2 * std::size_t(I)] + res[2 * std::size_t(I) + 1];
            else
              for (int I = 0; I < coarse.nx; ++I) out[I] += res[std::size_t(I)];
          }
      }
  }
}

template <class T>
void mg_prolong(const Box& coarse, const T* xc, const Box& fine, const MgOperator<T>& op, T* x) {
  for_rows(fine.nz, fine.ny, 4 * fine.interior(), [&](int k, int j) {
    for (int i = 0; i < fine.nx; ++i) {
      const std::size_t c = fine.idx(i, j, k);
      x[c] += T(op.diag[c] > T(0)) * xc[mg_parent(fine, coarse, i, j, k)];
    }
  });
}

template <class T>
void mg_zero(const Box& b, T* x) {
  for_chunks(b.padded(), [x](std::size_t a, std::size_t e) {
    for (std::size_t c = a; c < e; ++c) x[c] = T(0);
  });
}

template <class T>
double mg_dot(const Box& b, const T* x, const T* y) {
  return sum_rows(b, [&](int k, int j) {
    const T* __restrict__ xr = x + b.idx(0, j, k);
    const T* __restrict__ yr = y + b.idx(0, j, k);
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (int i = 0; i < b.nx; ++i) s += double(xr[i]) * double(yr[i]);
    return s;
  });
}

template <class T>
double mg_direction(const Box& b, const MgOperator<T>& op, const T* z, double beta, T* p, T* q) {
  const T bt = T(beta);
  return sum_rows(b, [&](int k, int j) {
    const std::size_t row = b.idx(0, j, k);
    T* __restrict__ pr = p + row;
    T* __restrict__ qr = q + row;
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (int i = 0; i < b.nx; ++i) {
      const std::size_t c = row + std::size_t(i);
      const T pc = z[c] + bt * pr[i];
      const T qc = mg_apply_at(op, z, c) + bt * qr[i];
      pr[i] = pc;
      qr[i] = qc;
      s += double(pc) * double(qc);
    }
    return s;
  });
}

template <class T>
double mg_update(const Box& b, double alpha, const T* p, const T* q, T* x, T* r) {
  const T al = T(alpha);
  return sum_rows(b, [&](int k, int j) {
    const std::size_t row = b.idx(0, j, k);
    const T* __restrict__ pr = p + row;
    const T* __restrict__ qr = q + row;
    T* __restrict__ xr = x + row;
    T* __restrict__ rr = r + row;
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (int i = 0; i < b.nx; ++i) {
      xr[i] += al * pr[i];
      const T rc = rr[i] - al * qr[i];
      rr[i] = rc;
      s += double(rc) * double(rc);
    }
    return s;
  });
}

#define LOBULE_MG_CPU(T)                                                                          \
  template void mg_kinds<T>(const Box&, const std::uint8_t*, const VesselTable<T>&,               \
                            const BoundaryKind*, std::uint8_t*);                                  \
  template void mg_build_fine<T>(const MgFineSpec<T>&, T*, T* const[3]);                          \
  template void mg_coarsen_fine<T>(const MgFineSpec<T>&, const T* const[3],                       \
                                   const MgLevelArrays<T>&);                                      \
  template void mg_coarsen<T>(const MgLevelArrays<T>&, const BoundaryKind*,                       \
                              const MgLevelArrays<T>&);                                           \
  template void mg_finish_diag<T>(const MgLevelArrays<T>&);                                       \
  template void mg_wrap_halo<T>(const Box&, const BoundaryKind*, T*);                             \
  template void mg_smooth<T>(const Box&, const BoundaryKind*, const MgOperator<T>&, T*, const T*, \
                             int, bool);                                                          \
  template void mg_restrict<T>(const Box&, const MgOperator<T>&, const T*, const T*, const Box&,  \
                               T*);                                                               \
  template void mg_prolong<T>(const Box&, const T*, const Box&, const MgOperator<T>&, T*);        \
  template void mg_zero<T>(const Box&, T*);                                                       \
  template double mg_dot<T>(const Box&, const T*, const T*);                                      \
  template double mg_direction<T>(const Box&, const MgOperator<T>&, const T*, double, T*, T*);    \
  template double mg_update<T>(const Box&, double, const T*, const T*, T*, T*);
LOBULE_MG_CPU(float)
LOBULE_MG_CPU(double)
#undef LOBULE_MG_CPU

}  // namespace lobule::cpu

// The OpenMP launchers of multigrid_cpu.hpp.
#include "multigrid_cpu.hpp"

#include "omp_grain.hpp"

namespace lobule::cpu {
namespace {

// Σ row(k, j) over the rows of box b.
template <class F>
double sum_rows(const Box& b, F&& row) {
  return cpu::sum_rows(b.nz, b.ny, b.interior(), row);
}

// Writes cell m of a coarse level at padded index c (diag is set later, mg_finish_diag).
template <class T>
void store(const MgLevelArrays<T>& lv, std::size_t c, const MgCell<T>& m) {
  lv.mass[c] = m.mass;
  for (int a = 0; a < 3; ++a) {
    lv.w[a][c] = m.w[a];
    for (int s = 0; s < 2; ++s) lv.kappa[a][s][c] = m.kappa[a][s], lv.g[a][s][c] = m.g[a][s];
  }
}

template <class T, class Src>
void coarsen_from(const Src& src, const MgLevelArrays<T>& coarse) {
  const Box& cb = coarse.box;
  for_rows(cb.nz, cb.ny, 8 * cb.interior(), [&](int k, int j) {
    for (int i = 0; i < cb.nx; ++i)
      store(coarse, cb.idx(i, j, k), mg_coarse_cell<T>(src, cb, i, j, k));
  });
}

}  // namespace

template <class T>
void mg_build_fine(const MgFineSpec<T>& s, T* diag, T* const w[3]) {
  const Box& b = s.box;
  with_rates(s.rates, [&](auto r) {
    for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = b.idx(i, j, k);
        const MgCell<T> m = mg_fine_cell(s, r, i, j, k);
        diag[c] = mg_diagonal(m, m.wm);
        for (int a = 0; a < 3; ++a) w[a][c] = m.w[a];
      }
    });
  });
}

template <class T>
void mg_coarsen_fine(const MgFineSpec<T>& s, const MgLevelArrays<T>& coarse) {
  with_rates(s.rates, [&](auto r) {
    coarsen_from(MgFineSource<T, decltype(r)>{s, r}, coarse);
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
  const std::size_t s[3] = {1, b.sy(), b.sz()};
  for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    for (int i = 0; i < b.nx; ++i) {
      const std::size_t c = b.idx(i, j, k);
      MgCell<T> m;
      m.mass = lv.mass[c];
      m.free = m.mass > T(0);
      T wm[3];
      for (int a = 0; a < 3; ++a) {
        m.w[a] = lv.w[a][c];
        wm[a] = lv.w[a][c - s[a]];
        m.g[a][0] = lv.g[a][0][c], m.g[a][1] = lv.g[a][1][c];
      }
      lv.diag[c] = mg_diagonal(m, wm);
    }
  });
}

template <class T>
void mg_wrap_halo(const Box& b, const BoundaryKind* kind, T* u) {
  BoundarySet<T> bc;
  for (int f = 0; f < kFaces; ++f) {
    if (kind[f] != BoundaryKind::Periodic) continue;
    bc.kind[f] = BoundaryKind::Periodic;
    const long long n = (long long)face_cells(b, f);
    for_each_index(n, std::size_t(n), [&](long long q) {
      fill_halo_cell(b, bc, HaloOf::Concentration, f, std::size_t(q), u);
    });
  }
}

template <class T>
void mg_smooth(const Box& b, const MgOperator<T>& op, T* x, const T* rhs, int colour,
               unsigned odd) {
  for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    const std::size_t row = b.idx(0, j, k);
    if (odd == 0) {  // red–black: every other voxel of the row
      const int first = (colour + mg_colour(b, 0, 0, j, k)) & 1;
      for (int i = first; i < b.nx; i += 2) x[row + std::size_t(i)] = mg_gauss_seidel_at(op, x, rhs, row + std::size_t(i));
      return;
    }
    for (int i = 0; i < b.nx; ++i)
      if (mg_colour(b, odd, i, j, k) == colour)
        x[row + std::size_t(i)] = mg_gauss_seidel_at(op, x, rhs, row + std::size_t(i));
  });
}

template <class T>
void mg_restrict(const Box& fine, const MgOperator<T>& op, const T* x, const T* rhs,
                 const Box& coarse, T* bc) {
  for_rows(coarse.nz, coarse.ny, 8 * coarse.interior(), [&](int k, int j) {
    for (int i = 0; i < coarse.nx; ++i)
      bc[coarse.idx(i, j, k)] = mg_restrict_at(fine, op, x, rhs, i, j, k);
  });
}

template <class T>
void mg_prolong(const Box& coarse, const T* xc, const Box& fine, const MgOperator<T>& op, T* x) {
  for_rows(fine.nz, fine.ny, fine.interior(), [&](int k, int j) {
    for (int i = 0; i < fine.nx; ++i) {
      const std::size_t c = fine.idx(i, j, k);
      if (op.diag[c] > T(0)) x[c] += xc[mg_parent(fine, coarse, i, j, k)];
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
    const std::size_t row = b.idx(0, j, k);
    double s = 0;
    for (int i = 0; i < b.nx; ++i) s += double(x[row + std::size_t(i)]) * double(y[row + std::size_t(i)]);
    return s;
  });
}

template <class T>
double mg_direction(const Box& b, const MgOperator<T>& op, const T* z, double beta, T* p, T* q) {
  const T bt = T(beta);
  return sum_rows(b, [&](int k, int j) {
    const std::size_t row = b.idx(0, j, k);
    double s = 0;
    for (int i = 0; i < b.nx; ++i) {
      const std::size_t c = row + std::size_t(i);
      const T pc = z[c] + bt * p[c];
      const T qc = mg_apply_at(op, z, c) + bt * q[c];
      p[c] = pc;
      q[c] = qc;
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
    double s = 0;
    for (int i = 0; i < b.nx; ++i) {
      const std::size_t c = row + std::size_t(i);
      x[c] += al * p[c];
      const T rc = r[c] - al * q[c];
      r[c] = rc;
      s += double(rc) * double(rc);
    }
    return s;
  });
}

#define LOBULE_MG_CPU(T)                                                                        \
  template void mg_build_fine<T>(const MgFineSpec<T>&, T*, T* const[3]);                        \
  template void mg_coarsen_fine<T>(const MgFineSpec<T>&, const MgLevelArrays<T>&);              \
  template void mg_coarsen<T>(const MgLevelArrays<T>&, const BoundaryKind*,                     \
                              const MgLevelArrays<T>&);                                         \
  template void mg_finish_diag<T>(const MgLevelArrays<T>&);                                     \
  template void mg_wrap_halo<T>(const Box&, const BoundaryKind*, T*);                           \
  template void mg_smooth<T>(const Box&, const MgOperator<T>&, T*, const T*, int, unsigned);    \
  template void mg_restrict<T>(const Box&, const MgOperator<T>&, const T*, const T*,            \
                               const Box&, T*);                                                 \
  template void mg_prolong<T>(const Box&, const T*, const Box&, const MgOperator<T>&, T*);      \
  template void mg_zero<T>(const Box&, T*);                                                     \
  template double mg_dot<T>(const Box&, const T*, const T*);                                    \
  template double mg_direction<T>(const Box&, const MgOperator<T>&, const T*, double, T*, T*);  \
  template double mg_update<T>(const Box&, double, const T*, const T*, T*, T*);
LOBULE_MG_CPU(float)
LOBULE_MG_CPU(double)
#undef LOBULE_MG_CPU

}  // namespace lobule::cpu

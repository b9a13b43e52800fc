// The OpenMP launchers of implicit_cpu.hpp.
#include "implicit_cpu.hpp"

#include <cmath>
#include <vector>

#include "diffusion_cpu.hpp"
#include "omp_grain.hpp"

namespace lobule::cpu {

template <class T>
void implicit_operator(const Box& b, const Rkl2Context<T>& x, T* u, const T* D, T* m,
                       const BoundarySet<T>* fill) {
  if (fill) fill_halo(b, *fill, HaloOf::Concentration, u);
  with_rates(x.rates, [&](const auto& r) {
    for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
      const std::size_t row = b.idx(0, j, k);
      for (int i = 0; i < b.nx; ++i)
        m[row + std::size_t(i)] = implicit_operator_voxel(x, r, row + std::size_t(i), u, D);
    });
  });
}

template <class T>
void set_held(const Box& b, const std::uint8_t* label, const VesselTable<T>& held, T* u) {
  if (!held.any()) return;
  if (held.voxels) {
    for (std::uint32_t q = 0; q < held.voxel_count; ++q) {
      const std::size_t c = held.voxels[q];
      u[c] = held.value[label[c]];
    }
    return;
  }
  for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    const std::size_t row = b.idx(0, j, k);
    for (int i = 0; i < b.nx; ++i) {
      const std::size_t c = row + std::size_t(i);
      u[c] = held_value(held, label[c], u[c]);
    }
  });
}

template <class T>
void combine(const Box& b, T a1, const T* x1, T a2, const T* x2, T* out) {
  for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    const std::size_t row = b.idx(0, j, k);
    if (x2)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = row + std::size_t(i);
        out[c] = a1 * x1[c] + a2 * x2[c];
      }
    else
      for (int i = 0; i < b.nx; ++i) out[row + std::size_t(i)] = a1 * x1[row + std::size_t(i)];
  });
}

template <class T>
double implicit_finish(const Box& b, const Rkl2Context<T>& x, const T* u, const T* delta, T* out) {
  return sum_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    const std::size_t r = b.idx(0, j, k);
    double s = 0;
    for (int i = 0; i < b.nx; ++i) {
      const std::size_t c = r + std::size_t(i);
      double clipped = 0;
      out[c] = implicit_new_value(x, c, u[c], delta[c], clipped);
      s += clipped;
    }
    return s;
  });
}

template <class T>
void clip_negative(const Box& b, T* u) {
  for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    T* r = u + b.idx(0, j, k);
    for (int i = 0; i < b.nx; ++i) r[i] = r[i] < T(0) ? T(0) : r[i];
  });
}

template <class T>
double max_abs_difference(const Box& b, const T* u, const T* v) {
  double m = 0;
  const auto row_max = [&](int k, int j) {
    const std::size_t row = b.idx(0, j, k);
    double r = 0;
    for (int i = 0; i < b.nx; ++i) {
      const double d = std::abs(double(u[row + std::size_t(i)]) - double(v[row + std::size_t(i)]));
      r = d > r || d != d ? d : r;  // a NaN stays
    }
    return r;
  };
  const auto fold = [](double a, double x) { return x > a || x != x ? x : a; };
  if (!parallel_work(b.interior())) {
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j) m = fold(m, row_max(k, j));
    return m;
  }
  std::vector<double> part(std::size_t(b.nz) * std::size_t(b.ny), 0.0);
  for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    part[std::size_t(k) * std::size_t(b.ny) + std::size_t(j)] = row_max(k, j);
  });
  for (double x : part) m = fold(m, x);
  return m;
}

#define LOBULE_IMPLICIT_CPU(T)                                                                   \
  template void implicit_operator<T>(const Box&, const Rkl2Context<T>&, T*, const T*, T*,        \
                                     const BoundarySet<T>*);                                     \
  template void set_held<T>(const Box&, const std::uint8_t*, const VesselTable<T>&, T*);         \
  template void combine<T>(const Box&, T, const T*, T, const T*, T*);                            \
  template double implicit_finish<T>(const Box&, const Rkl2Context<T>&, const T*, const T*, T*); \
  template double max_abs_difference<T>(const Box&, const T*, const T*);                         \
  template void clip_negative<T>(const Box&, T*);
LOBULE_IMPLICIT_CPU(float)
LOBULE_IMPLICIT_CPU(double)
#undef LOBULE_IMPLICIT_CPU

}  // namespace lobule::cpu

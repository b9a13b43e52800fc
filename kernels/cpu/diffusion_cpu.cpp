#include "diffusion_cpu.hpp"

#include "../diffusion_stencil.hpp"
#include "geometry/labels.hpp"
#include "omp_grain.hpp"

namespace lobule::cpu {

// Every launcher below visits the interior voxels (k, j) in parallel rows, x innermost.
template <class T>
void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u) {
  for (int f = 0; f < kFaces; ++f) {
    const auto n = static_cast<long long>(face_cells(b, f));
#pragma omp parallel for schedule(static) if (std::size_t(n) >= kParallelMinWork)
    for (long long c = 0; c < n; ++c) fill_halo_cell(b, bc, what, f, std::size_t(c), u);
  }
}

template <class T>
void explicit_step(const Box& b, InvH2<T> ih2, const T* u, const T* D, const std::uint8_t* label,
                   const VesselTable<T>& held, T* out, T dt, T decay, T source) {
  const std::size_t sy = b.sy(), sz = b.sz();
#pragma omp parallel for collapse(2) schedule(static) if (b.interior() >= kParallelMinWork)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) {
      const std::size_t row = b.idx(0, j, k);
#pragma omp simd
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = row + std::size_t(i);
        const std::uint8_t l = label[c];
        out[c] = l == kOutside   ? u[c]
                 : held.holds(l) ? held.value[l]
                                 : explicit_update(u, D, c, sy, sz, ih2, dt, decay, source);
      }
    }
}

template <class T>
void explicit_step_rate(const Box& b, InvH2<T> ih2, const T* u, const T* D,
                        const std::uint8_t* label, const VesselTable<T>& held, const T* rate,
                        T* out, T dt) {
  const std::size_t sy = b.sy(), sz = b.sz();
#pragma omp parallel for collapse(2) schedule(static) if (b.interior() >= kParallelMinWork)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) {
      const std::size_t row = b.idx(0, j, k);
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = row + std::size_t(i);
        const std::uint8_t l = label[c];
        out[c] = l == kOutside ? u[c]
                 : held.holds(l)
                     ? held.value[l]
                     : u[c] + dt * (diffusion_divergence(u, D, c, sy, sz, ih2) + rate[c]);
      }
    }
}

template <class T>
void rkl2_first(const Box& b, InvH2<T> ih2, const T* y0, const T* D, const std::uint8_t* label,
                const VesselTable<T>& held, T* m0, T* z1, T f1) {
  const std::size_t sy = b.sy(), sz = b.sz();
#pragma omp parallel for collapse(2) schedule(static) if (b.interior() >= kParallelMinWork)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) {
      const std::size_t row = b.idx(0, j, k);
#pragma omp simd
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = row + std::size_t(i);
        const bool h = held.holds(label[c]);
        const T m = rkl2_operator(y0, D, h, c, sy, sz, ih2);
        m0[c] = m;
        z1[c] = h ? held.value[label[c]] - y0[c] : f1 * m;
      }
    }
}

template <class T>
double rkl2_stage(const Box& b, InvH2<T> ih2, const T* z_prev, const T* z_prev2, const T* y0,
                  const T* m0, const T* D, const std::uint8_t* label, const VesselTable<T>& held,
                  T* out, const Rkl2Stage<T>& k_, bool last) {
  const std::size_t sy = b.sy(), sz = b.sz();
  double clipped = 0;
#pragma omp parallel for collapse(2) schedule(static) reduction(+ : clipped) \
    if (b.interior() >= kParallelMinWork)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) {
      const std::size_t row = b.idx(0, j, k);
#pragma omp simd reduction(+ : clipped)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = row + std::size_t(i);
        const std::uint8_t l = label[c];
        const bool h = held.holds(l);
        const T mz = rkl2_operator(z_prev, D, h, c, sy, sz, ih2);
        const T z =
            h ? held.value[l] - y0[c] : rkl2_stage_value(k_, z_prev[c], z_prev2[c], m0[c], mz);
        const T v = h ? held.value[l] : y0[c] + z;
        const bool neg = last && !h && v < T(0);
        clipped += neg ? -double(v) : 0.0;
        out[c] = !last ? z : (neg ? T(0) : v);
      }
    }
  return clipped;
}

template <class T>
double interior_sum(const Box& b, const T* u) {
  double sum = 0;
#pragma omp parallel for collapse(2) schedule(static) reduction(+ : sum) \
    if (b.interior() >= kParallelMinWork)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) {
      const std::size_t row = b.idx(0, j, k);
      for (int i = 0; i < b.nx; ++i) sum += double(u[row + std::size_t(i)]);
    }
  return sum;
}

template <class T>
void update_diffusivity(const Box& b, const std::uint8_t* label, const DiffusivityDriverView<T>& d,
                        T* D) {
#pragma omp parallel for collapse(2) schedule(static) if (b.interior() >= kParallelMinWork)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) {
      const std::size_t row = b.idx(0, j, k);
      for (int i = 0; i < b.nx; ++i) D[row + i] = driven_diffusivity(d, label, row + i);
    }
}

#define LOBULE_INSTANTIATE(T)                                                                   \
  template void fill_halo<T>(const Box&, const BoundarySet<T>&, HaloOf, T*);                    \
  template void explicit_step<T>(const Box&, InvH2<T>, const T*, const T*, const std::uint8_t*, \
                                 const VesselTable<T>&, T*, T, T, T);                           \
  template void explicit_step_rate<T>(const Box&, InvH2<T>, const T*, const T*,                 \
                                      const std::uint8_t*, const VesselTable<T>&, const T*, T*, \
                                      T);                                                       \
  template void rkl2_first<T>(const Box&, InvH2<T>, const T*, const T*, const std::uint8_t*,    \
                              const VesselTable<T>&, T*, T*, T);                                \
  template double rkl2_stage<T>(const Box&, InvH2<T>, const T*, const T*, const T*, const T*,   \
                                const T*, const std::uint8_t*, const VesselTable<T>&, T*,       \
                                const Rkl2Stage<T>&, bool);                                     \
  template double interior_sum<T>(const Box&, const T*);                                        \
  template void update_diffusivity<T>(const Box&, const std::uint8_t*,                          \
                                      const DiffusivityDriverView<T>&, T*);
LOBULE_INSTANTIATE(float)
LOBULE_INSTANTIATE(double)
#undef LOBULE_INSTANTIATE

}  // namespace lobule::cpu

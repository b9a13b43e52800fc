#include "diffusion_cpu.hpp"

#include "../diffusion_stencil.hpp"

namespace lobule::cpu {

template <class T>
void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u) {
  for (int f = 0; f < kFaces; ++f) {
    const auto n = static_cast<long long>(face_cells(b, f));
#pragma omp parallel for schedule(static)
    for (long long c = 0; c < n; ++c) fill_halo_cell(b, bc, what, f, std::size_t(c), u);
  }
}

template <class T>
void explicit_step(const Box& b, InvH2<T> ih2, const T* u, const T* D, T* out, T dt, T decay,
                   T source) {
  const std::size_t sy = b.sy(), sz = b.sz();
#pragma omp parallel for collapse(2) schedule(static)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) {
      const std::size_t row = b.idx(0, j, k);
#pragma omp simd
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = row + std::size_t(i);
        out[c] = explicit_update(u, D, c, sy, sz, ih2, dt, decay, source);
      }
    }
}

#define LOBULE_INSTANTIATE(T)                                                \
  template void fill_halo<T>(const Box&, const BoundarySet<T>&, HaloOf, T*); \
  template void explicit_step<T>(const Box&, InvH2<T>, const T*, const T*, T*, T, T, T);
LOBULE_INSTANTIATE(float)
LOBULE_INSTANTIATE(double)
#undef LOBULE_INSTANTIATE

}  // namespace lobule::cpu

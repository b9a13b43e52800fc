// The CUDA kernels of the diffusion formulas (kernels/diffusion_stencil.hpp, kernels/rkl2.hpp):
// the stencils (explicit step, RKL2 stages) stream up z, the pointwise kernels (halo, sums,
// maxima, diffusivities, local fields) take one voxel per thread and plane.
#include <type_traits>

#include "../diffusion_stencil.hpp"
#include "../voxel_class.hpp"
#include "cuda_check.cuh"
#include "diffusion_cuda.hpp"
#include "launch.cuh"
#include "note_lowest.cuh"

namespace lobule::cuda {
namespace {

// All six faces in one launch (blockIdx.y = face): faces write disjoint halo voxels and read
// only interior ones, so they cannot race.
template <class T>
__global__ void halo_kernel(Box b, BoundarySet<T> bc, HaloOf what, T* u) {
  const int f = int(blockIdx.y);
  const std::size_t c = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c < face_cells(b, f)) fill_halo_cell(b, bc, what, f, c, u);
}

// The stencil kernels stream up z (2.5-D): one thread per (i, j) column of a 32 × 8 block,
// marching over `planes` planes. The values and diffusivities below and above a voxel come from
// registers (each plane is loaded once, a plane ahead of its use), the in-plane neighbours from
// the L1 cache, and each z face's harmonic mean serves the two voxels it joins.
Launch march_launch(const Box& b, int planes) {
  return {dim3(unsigned((b.nx + kBlockX - 1) / kBlockX), unsigned((b.ny + kBlockY - 1) / kBlockY),
               unsigned((b.nz + planes - 1) / planes)),
          dim3(kBlockX, kBlockY, 1)};
}

// Planes per thread: 16, fewer where the grid would have under 2048 blocks (a small grid).
int march_planes(const Box& b) {
  int planes = 16;
  const long long columns = ((b.nx + kBlockX - 1) / kBlockX) * ((b.ny + kBlockY - 1) / kBlockY);
  while (planes > 2 && columns * ((b.nz + planes - 1) / planes) < 2048) planes /= 2;
  return planes;
}

// The factor of a face between a voxel of diffusivity dc and its neighbour of dn in the flux
// form: the harmonic mean face_diffusivity(dc, dn) [µm²/s], or for a constant-coefficient species
// (kUniform, its one D folded into 1/h²) open_face's 1 or 0 (uniform_divergence).
template <bool kUniform, class T>
__device__ RD_FORCEINLINE T face_factor(T dc, T dn) {
  if constexpr (kUniform)
    return T(dn != T(0));
  else
    return face_diffusivity(dc, dn);
}

// Calls f(c, u_c, div) for the voxels of this thread's column, div = ∇·(D∇u) at c: the
// expression of diffusion_divergence (kUniform false; a z face's harmonic mean, symmetric in its
// two arguments to the bit, serves both voxels it joins) or of uniform_divergence with ih2 = d/h²
// (kUniform).
template <bool kUniform, class T, class F>
__device__ RD_FORCEINLINE void march_column(const Box& b, int planes, const T* __restrict__ u,
                                            const T* __restrict__ D, InvH2<T> ih2, F&& f) {
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  const int j = int(blockIdx.y * blockDim.y + threadIdx.y);
  if (i >= b.nx || j >= b.ny) return;
  const int k0 = int(blockIdx.z) * planes;
  const int k1 = min(k0 + planes, b.nz);
  if (k0 >= k1) return;
  const std::size_t sy = b.sy(), sz = b.sz();
  std::size_t c = b.idx(i, j, k0);
  T u_zm = u[c - sz], u_c = u[c], d_c = D[c];
  T f_zm = face_factor<kUniform>(d_c, D[c - sz]);
  T u_zp = u[c + sz], d_zp = D[c + sz];
  for (int k = k0; k < k1; ++k, c += sz) {
    // The plane above the next one, loaded now for the next iteration (the halo plane at most).
    const std::size_t ahead = k + 1 < k1 ? c + 2 * sz : c + sz;
    const T u_next = u[ahead], d_next = D[ahead];
    const T f_zp = face_factor<kUniform>(d_c, d_zp);
    const Stencil7<T> v{u_c, u[c - 1], u[c + 1], u[c - sy], u[c + sy], u_zm, u_zp};
    const Faces6<T> fc{face_factor<kUniform>(d_c, D[c - 1]),
                       face_factor<kUniform>(d_c, D[c + 1]),
                       face_factor<kUniform>(d_c, D[c - sy]),
                       face_factor<kUniform>(d_c, D[c + sy]),
                       f_zm,
                       f_zp};
    f(c, u_c, flux_divergence(v, fc, ih2));
    // The face below the next voxel is this one's face above: the same harmonic mean, or the
    // open flag of this voxel (its neighbour below).
    f_zm = kUniform ? face_factor<kUniform>(d_zp, d_c) : f_zp;
    u_zm = u_c, u_c = u_zp, u_zp = u_next;
    d_c = d_zp, d_zp = d_next;
  }
}

// Launches kernel<kUniform> on the march grid: kUniform with 1/h² scaled by d where d > 0 (a
// constant-coefficient species), the harmonic means otherwise.
template <class T, class Launcher>
void launch_march(const Box& b, InvH2<T> ih2, T d, Launcher&& launch) {
  const int planes = march_planes(b);
  const Launch l = march_launch(b, planes);
  if (d > T(0))
    launch(std::true_type{}, l, planes, InvH2<T>{ih2.x * d, ih2.y * d, ih2.z * d});
  else
    launch(std::false_type{}, l, planes, ih2);
}

template <class T>
__global__ void sum_kernel(Box b, const T* __restrict__ u, double* out) {
  double v = 0;
  for_my_voxels(b, [&](std::size_t c) { v += double(u[c]); });
  block_add(v, out);
}

// The explicit step of a species with a D array (explicit_value). D = nullptr (a local field):
// local_explicit_kernel.
template <bool kUniform, class T>
__global__ void __launch_bounds__(kBlockX* kBlockY)
    explicit_kernel(Box b, int planes, InvH2<T> ih2, const T* __restrict__ u,
                    const T* __restrict__ D, const std::uint8_t* __restrict__ label,
                    const __grid_constant__ VesselTable<T> held, const T* __restrict__ rate,
                    T* __restrict__ out, T dt, T decay, T source, T* lowest) {
  march_column<kUniform>(b, planes, u, D, ih2, [&](std::size_t c, T uc, T div) {
    const T r = rate ? rate[c] : linear_reaction(uc, decay, source);
    const T v = explicit_value(uc, div, label[c], held, dt, r);
    out[c] = v;
    note_lowest(v, lowest);
  });
}

template <class T>
__global__ void local_explicit_kernel(Box b, const T* __restrict__ u,
                                      const std::uint8_t* __restrict__ label,
                                      const __grid_constant__ VesselTable<T> held,
                                      const T* __restrict__ rate, T* __restrict__ out, T dt,
                                      T decay, T source, T* lowest) {
  for_my_voxels(b, [&](std::size_t c) {
    const T r = rate ? rate[c] : linear_reaction(u[c], decay, source);
    const T v = explicit_value(u[c], T(0), label[c], held, dt, r);
    out[c] = v;
    note_lowest(v, lowest);
  });
}

// The RKL2 kernels take 1/h² as ih2 (x.ih2, scaled by d for kUniform: launch_march), not from x.
template <bool kUniform, class T, class Rates>
__global__ void __launch_bounds__(kBlockX* kBlockY)
    rkl2_first_kernel(Box b, int planes, InvH2<T> ih2, Rkl2Context<T> x, Rates r,
                      const T* __restrict__ y0, const T* __restrict__ D, T* __restrict__ m0,
                      T* __restrict__ z1, T f1) {
  march_column<kUniform>(b, planes, y0, D, ih2, [&](std::size_t c, T yc, T div) {
    rkl2_first_at(x, r, c, div, yc, m0, z1, f1);
  });
}

// out may alias z_prev2: no __restrict__ on either.
template <bool kUniform, class T, class Rates>
__global__ void __launch_bounds__(kBlockX* kBlockY)
    rkl2_stage_kernel(Box b, int planes, InvH2<T> ih2, Rkl2Context<T> x, Rates r,
                      const T* __restrict__ z_prev, const T* z_prev2, const T* __restrict__ y0,
                      const T* __restrict__ m0, const T* __restrict__ D, T* out, Rkl2Stage<T> k,
                      bool last, double* clipped) {
  double cut = 0;
  march_column<kUniform>(b, planes, z_prev, D, ih2, [&](std::size_t c, T zc, T div) {
    cut += rkl2_stage_at(x, r, c, div, zc, z_prev2, y0, m0, out, k, last);
  });
  if (last) block_add(cut, clipped);  // uniform over the grid
}

// Non-negative doubles order like their bit patterns as unsigned integers.
template <class T>
__global__ void max_kernel(Box b, const T* __restrict__ u, double* out) {
  double m = 0;
  for_my_voxels(b, [&](std::size_t c) { m = fmax(m, double(u[c])); });
  atomicMax(reinterpret_cast<unsigned long long*>(out),
            static_cast<unsigned long long>(__double_as_longlong(m)));
}

// |u − v| ≥ 0 orders by its bit pattern; a NaN (positive pattern above +∞) wins.
template <class T>
__global__ void max_difference_kernel(Box b, const T* __restrict__ u, const T* __restrict__ v,
                                      double* out) {
  double m = 0;
  for_my_voxels(b, [&](std::size_t c) {
    const double d = fabs(double(u[c]) - double(v[c]));
    m = d > m || d != d ? (d != d ? __longlong_as_double(0x7ff8000000000000LL) : d) : m;
  });
  atomicMax(reinterpret_cast<unsigned long long*>(out),
            static_cast<unsigned long long>(__double_as_longlong(m)));
}

template <class T>
__global__ void diffusivity_kernel(Box b, const std::uint8_t* __restrict__ label,
                                   DiffusivityDriverView<T> d, T* __restrict__ D) {
  for_my_voxels(b, [&](std::size_t c) { D[c] = driven_diffusivity(d, label, c); });
}

// The explicit step, with the reaction rate from the array `rate` or, where it is nullptr, the
// linear decay and source; d > 0: D is d in all the tissue (0 outside).
template <class T>
void launch_explicit(const Box& b, InvH2<T> ih2, const T* u, const T* D, T d,
                     const std::uint8_t* label, const VesselTable<T>& held, const T* rate, T* out,
                     T dt, T decay, T source, T* lowest) {
  if (b.interior() == 0) return;
  if (D) {
    launch_march(b, ih2, d, [&](auto uniform, const Launch& l, int planes, InvH2<T> k) {
      explicit_kernel<decltype(uniform)::value><<<l.grid, l.block>>>(
          b, planes, k, u, D, label, held, rate, out, dt, decay, source, lowest);
    });
  } else {
    const Launch l = voxel_launch(b);
    local_explicit_kernel<<<l.grid, l.block>>>(b, u, label, held, rate, out, dt, decay, source,
                                               lowest);
  }
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

}  // namespace

template <class T>
void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u) {
  std::size_t n = 0;
  for (int f = 0; f < kFaces; ++f) n = face_cells(b, f) > n ? face_cells(b, f) : n;
  if (n == 0) return;
  halo_kernel<<<dim3(unsigned((n + 255) / 256), kFaces), 256>>>(b, bc, what, u);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

template <class T>
void explicit_step(const Box& b, InvH2<T> ih2, const T* u, const T* D, T d,
                   const std::uint8_t* label, const VesselTable<T>& held, T* out, T dt, T decay,
                   T source, T* lowest) {
  launch_explicit(b, ih2, u, D, d, label, held, static_cast<const T*>(nullptr), out, dt, decay,
                  source, lowest);
}

template <class T>
void explicit_step_rate(const Box& b, InvH2<T> ih2, const T* u, const T* D, T d,
                        const std::uint8_t* label, const VesselTable<T>& held, const T* rate,
                        T* out, T dt, T* lowest) {
  launch_explicit(b, ih2, u, D, d, label, held, rate, out, dt, T(0), T(0), lowest);
}

template <class T>
void rkl2_first(const Box& b, const Rkl2Context<T>& x, const T* y0, const T* D, T* m0, T* z1,
                T f1) {
  if (b.interior() == 0) return;
  with_rates(x.rates, [&](const auto& r) {
    launch_march(b, x.ih2, x.uniform.d, [&](auto uniform, const Launch& l, int planes, InvH2<T> k) {
      rkl2_first_kernel<decltype(uniform)::value>
          <<<l.grid, l.block>>>(b, planes, k, x, r, y0, D, m0, z1, f1);
    });
  });
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

template <class T>
void rkl2_stage(const Box& b, const Rkl2Context<T>& x, const T* z_prev, const T* z_prev2,
                const T* y0, const T* m0, const T* D, T* out, const Rkl2Stage<T>& k, bool last,
                double* clipped) {
  if (b.interior() == 0) return;
  with_rates(x.rates, [&](const auto& r) {
    launch_march(b, x.ih2, x.uniform.d, [&](auto uniform, const Launch& l, int planes, InvH2<T> h) {
      rkl2_stage_kernel<decltype(uniform)::value><<<l.grid, l.block>>>(
          b, planes, h, x, r, z_prev, z_prev2, y0, m0, D, out, k, last, clipped);
    });
  });
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

template <class T>
void interior_max(const Box& b, const T* u, double* out) {
  if (b.interior() == 0) return;
  const Launch l = voxel_launch(b);
  max_kernel<<<l.grid, l.block>>>(b, u, out);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

template <class T>
void interior_sum(const Box& b, const T* u, double* out) {
  if (b.interior() == 0) return;
  const Launch l = voxel_launch(b);
  sum_kernel<<<l.grid, l.block>>>(b, u, out);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

template <class T>
void max_abs_difference(const Box& b, const T* u, const T* v, double* out) {
  if (b.interior() == 0) return;
  const Launch l = voxel_launch(b);
  max_difference_kernel<<<l.grid, l.block>>>(b, u, v, out);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

template <class T>
void update_diffusivity(const Box& b, const std::uint8_t* label, const DiffusivityDriverView<T>& d,
                        T* D) {
  const Launch l = voxel_launch(b);
  diffusivity_kernel<<<l.grid, l.block>>>(b, label, d, D);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

#define LOBULE_INSTANTIATE(T)                                                                      \
  template void fill_halo<T>(const Box&, const BoundarySet<T>&, HaloOf, T*);                       \
  template void explicit_step<T>(const Box&, InvH2<T>, const T*, const T*, T, const std::uint8_t*, \
                                 const VesselTable<T>&, T*, T, T, T, T*);                          \
  template void explicit_step_rate<T>(const Box&, InvH2<T>, const T*, const T*, T,                 \
                                      const std::uint8_t*, const VesselTable<T>&, const T*, T*, T, \
                                      T*);                                                         \
  template void rkl2_first<T>(const Box&, const Rkl2Context<T>&, const T*, const T*, T*, T*, T);   \
  template void rkl2_stage<T>(const Box&, const Rkl2Context<T>&, const T*, const T*, const T*,     \
                              const T*, const T*, T*, const Rkl2Stage<T>&, bool, double*);         \
  template void interior_sum<T>(const Box&, const T*, double*);                                    \
  template void interior_max<T>(const Box&, const T*, double*);                                    \
  template void max_abs_difference<T>(const Box&, const T*, const T*, double*);                    \
  template void update_diffusivity<T>(const Box&, const std::uint8_t*,                             \
                                      const DiffusivityDriverView<T>&, T*);
LOBULE_INSTANTIATE(float)
LOBULE_INSTANTIATE(double)
#undef LOBULE_INSTANTIATE

}  // namespace lobule::cuda

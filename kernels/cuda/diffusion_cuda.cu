#include "../diffusion_stencil.hpp"
#include "../voxel_class.hpp"
#include "cuda_check.cuh"
#include "diffusion_cuda.hpp"
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

// One thread per interior voxel, x fastest within a warp for coalesced loads; each thread
// marches over a few z-planes so neighbouring planes are reused from L1/L2.
constexpr int kBlockX = 32, kBlockY = 8, kZPerThread = 4;

struct Launch {
  dim3 grid, block;
};
Launch voxel_launch(const Box& b) {
  return {dim3(unsigned((b.nx + kBlockX - 1) / kBlockX), unsigned((b.ny + kBlockY - 1) / kBlockY),
               unsigned((b.nz + kZPerThread - 1) / kZPerThread)),
          dim3(kBlockX, kBlockY, 1)};
}

// Calls f(i, j, k, c) for the voxels of this thread.
template <class F>
__device__ RD_FORCEINLINE void for_my_voxels(const Box& b, F&& f) {
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  const int j = int(blockIdx.y * blockDim.y + threadIdx.y);
  if (i >= b.nx || j >= b.ny) return;
  const int k0 = int(blockIdx.z) * kZPerThread;
  const int k1 = min(k0 + kZPerThread, b.nz);
  for (int k = k0; k < k1; ++k) f(b.idx(i, j, k));
}

// Adds v of every thread of a kBlockX × kBlockY block to *out with one atomic per block (each
// row of the block is one warp). Every thread of the block must call it.
__device__ void block_add(double v, double* out) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  __shared__ double warp_sum[kBlockY];
  if (threadIdx.x == 0) warp_sum[threadIdx.y] = v;
  __syncthreads();
  if (threadIdx.y == 0) {
    v = threadIdx.x < kBlockY ? warp_sum[threadIdx.x] : 0.0;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    if (threadIdx.x == 0 && v != 0.0) atomicAdd(out, v);
  }
}

template <class T>
__global__ void sum_kernel(Box b, const T* __restrict__ u, double* out) {
  double v = 0;
  for_my_voxels(b, [&](std::size_t c) { v += double(u[c]); });
  block_add(v, out);
}

template <class T>
__global__ void explicit_kernel(Box b, InvH2<T> ih2, const T* __restrict__ u,
                                const T* __restrict__ D, const std::uint8_t* __restrict__ label,
                                VesselTable<T> held, T* __restrict__ out, T dt, T decay, T source,
                                T* lowest) {
  const std::size_t sy = b.sy(), sz = b.sz();
  for_my_voxels(b, [&](std::size_t c) {
    const T v = explicit_voxel(u, D, label[c], held, c, sy, sz, ih2, dt,
                               linear_reaction(u[c], decay, source));
    out[c] = v;
    note_lowest(v, lowest);
  });
}

template <class T>
__global__ void explicit_rate_kernel(Box b, InvH2<T> ih2, const T* __restrict__ u,
                                     const T* __restrict__ D,
                                     const std::uint8_t* __restrict__ label, VesselTable<T> held,
                                     const T* __restrict__ rate, T* __restrict__ out, T dt,
                                     T* lowest) {
  const std::size_t sy = b.sy(), sz = b.sz();
  for_my_voxels(b, [&](std::size_t c) {
    const T v = explicit_voxel(u, D, label[c], held, c, sy, sz, ih2, dt, rate[c]);
    out[c] = v;
    note_lowest(v, lowest);
  });
}

template <class T, class Rates>
__global__ void rkl2_first_kernel(Box b, Rkl2Context<T> x, Rates r, const T* __restrict__ y0,
                                  const T* __restrict__ D, T* __restrict__ m0, T* __restrict__ z1,
                                  T f1) {
  for_my_voxels(b, [&](std::size_t c) { rkl2_first_voxel(x, r, c, y0, D, m0, z1, f1); });
}

// out may alias z_prev2: no __restrict__ on either.
template <class T, class Rates>
__global__ void rkl2_stage_kernel(Box b, Rkl2Context<T> x, Rates r, const T* __restrict__ z_prev,
                                  const T* z_prev2, const T* __restrict__ y0,
                                  const T* __restrict__ m0, const T* __restrict__ D, T* out,
                                  Rkl2Stage<T> k, bool last, double* clipped) {
  double cut = 0;
  for_my_voxels(b, [&](std::size_t c) {
    cut += rkl2_stage_voxel(x, r, c, z_prev, z_prev2, y0, m0, D, out, k, last);
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

template <class T>
__global__ void diffusivity_kernel(Box b, const std::uint8_t* __restrict__ label,
                                   DiffusivityDriverView<T> d, T* __restrict__ D) {
  for_my_voxels(b, [&](std::size_t c) { D[c] = driven_diffusivity(d, label, c); });
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
void explicit_step(const Box& b, InvH2<T> ih2, const T* u, const T* D, const std::uint8_t* label,
                   const VesselTable<T>& held, T* out, T dt, T decay, T source, T* lowest) {
  const Launch l = voxel_launch(b);
  explicit_kernel<<<l.grid, l.block>>>(b, ih2, u, D, label, held, out, dt, decay, source, lowest);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

template <class T>
void explicit_step_rate(const Box& b, InvH2<T> ih2, const T* u, const T* D,
                        const std::uint8_t* label, const VesselTable<T>& held, const T* rate,
                        T* out, T dt, T* lowest) {
  const Launch l = voxel_launch(b);
  explicit_rate_kernel<<<l.grid, l.block>>>(b, ih2, u, D, label, held, rate, out, dt, lowest);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

template <class T>
void rkl2_first(const Box& b, const Rkl2Context<T>& x, const T* y0, const T* D, T* m0, T* z1,
                T f1) {
  const Launch l = voxel_launch(b);
  with_rates(x.rates, [&](const auto& r) {
    rkl2_first_kernel<<<l.grid, l.block>>>(b, x, r, y0, D, m0, z1, f1);
  });
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

template <class T>
void rkl2_stage(const Box& b, const Rkl2Context<T>& x, const T* z_prev, const T* z_prev2,
                const T* y0, const T* m0, const T* D, T* out, const Rkl2Stage<T>& k, bool last,
                double* clipped) {
  const Launch l = voxel_launch(b);
  with_rates(x.rates, [&](const auto& r) {
    rkl2_stage_kernel<<<l.grid, l.block>>>(b, x, r, z_prev, z_prev2, y0, m0, D, out, k, last,
                                           clipped);
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
void update_diffusivity(const Box& b, const std::uint8_t* label, const DiffusivityDriverView<T>& d,
                        T* D) {
  const Launch l = voxel_launch(b);
  diffusivity_kernel<<<l.grid, l.block>>>(b, label, d, D);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

#define LOBULE_INSTANTIATE(T)                                                                      \
  template void fill_halo<T>(const Box&, const BoundarySet<T>&, HaloOf, T*);                       \
  template void explicit_step<T>(const Box&, InvH2<T>, const T*, const T*, const std::uint8_t*,    \
                                 const VesselTable<T>&, T*, T, T, T, T*);                          \
  template void explicit_step_rate<T>(const Box&, InvH2<T>, const T*, const T*,                    \
                                      const std::uint8_t*, const VesselTable<T>&, const T*, T*, T, \
                                      T*);                                                         \
  template void rkl2_first<T>(const Box&, const Rkl2Context<T>&, const T*, const T*, T*, T*, T);   \
  template void rkl2_stage<T>(const Box&, const Rkl2Context<T>&, const T*, const T*, const T*,     \
                              const T*, const T*, T*, const Rkl2Stage<T>&, bool, double*);         \
  template void interior_sum<T>(const Box&, const T*, double*);                                    \
  template void interior_max<T>(const Box&, const T*, double*);                                    \
  template void update_diffusivity<T>(const Box&, const std::uint8_t*,                             \
                                      const DiffusivityDriverView<T>&, T*);
LOBULE_INSTANTIATE(float)
LOBULE_INSTANTIATE(double)
#undef LOBULE_INSTANTIATE

}  // namespace lobule::cuda

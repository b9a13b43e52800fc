#include "../diffusion_stencil.hpp"
#include "cuda_check.cuh"
#include "diffusion_cuda.hpp"

namespace lobule::cuda {
namespace {

template <class T>
__global__ void halo_kernel(Box b, BoundarySet<T> bc, HaloOf what, int f, std::size_t n, T* u) {
  const std::size_t c = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c < n) fill_halo_cell(b, bc, what, f, c, u);
}

// One thread per interior voxel, x fastest within a warp for coalesced loads; each thread
// marches over a few z-planes so neighbouring planes are reused from L1/L2.
constexpr int kBlockX = 32, kBlockY = 8, kZPerThread = 4;

template <class T>
__global__ void explicit_kernel(Box b, InvH2<T> ih2, const T* __restrict__ u,
                                const T* __restrict__ D, T* __restrict__ out, T dt, T decay,
                                T source) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  const int j = blockIdx.y * blockDim.y + threadIdx.y;
  if (i >= b.nx || j >= b.ny) return;
  const std::size_t sy = b.sy(), sz = b.sz();
  const int k0 = blockIdx.z * kZPerThread;
  const int k1 = min(k0 + kZPerThread, b.nz);
  for (int k = k0; k < k1; ++k) {
    const std::size_t c = b.idx(i, j, k);
    out[c] = explicit_update(u, D, c, sy, sz, ih2, dt, decay, source);
  }
}

}  // namespace

template <class T>
void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u) {
  for (int f = 0; f < kFaces; ++f) {
    const std::size_t n = face_cells(b, f);
    if (n == 0) continue;
    const unsigned blocks = unsigned((n + 255) / 256);
    halo_kernel<<<blocks, 256>>>(b, bc, what, f, n, u);
    LOBULE_CUDA_CHECK(cudaGetLastError());
  }
}

template <class T>
void explicit_step(const Box& b, InvH2<T> ih2, const T* u, const T* D, T* out, T dt, T decay,
                   T source) {
  const dim3 block(kBlockX, kBlockY, 1);
  const dim3 grid(unsigned((b.nx + kBlockX - 1) / kBlockX),
                  unsigned((b.ny + kBlockY - 1) / kBlockY),
                  unsigned((b.nz + kZPerThread - 1) / kZPerThread));
  explicit_kernel<<<grid, block>>>(b, ih2, u, D, out, dt, decay, source);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

#define LOBULE_INSTANTIATE(T)                                                \
  template void fill_halo<T>(const Box&, const BoundarySet<T>&, HaloOf, T*); \
  template void explicit_step<T>(const Box&, InvH2<T>, const T*, const T*, T*, T, T, T);
LOBULE_INSTANTIATE(float)
LOBULE_INSTANTIATE(double)
#undef LOBULE_INSTANTIATE

}  // namespace lobule::cuda

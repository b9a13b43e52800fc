/// Launch shapes and block reductions shared by the CUDA launchers (device code; include from .cu
/// files only).
#pragma once
#include <cuda_runtime.h>

#include <cstddef>

#include "../grid.hpp"
#include "../rd_macros.hpp"

namespace lobule::cuda {

// The pointwise kernels: one thread per interior voxel of a few z-planes, x fastest within a
// warp for coalesced loads.
inline constexpr int kBlockX = 32, kBlockY = 8, kZPerThread = 4;

struct Launch {
  dim3 grid, block;
};
inline Launch voxel_launch(const Box& b) {
  return {dim3(unsigned((b.nx + kBlockX - 1) / kBlockX), unsigned((b.ny + kBlockY - 1) / kBlockY),
               unsigned((b.nz + kZPerThread - 1) / kZPerThread)),
          dim3(kBlockX, kBlockY, 1)};
}

// Calls f(i, j, k) for the interior voxels of this thread.
template <class F>
__device__ RD_FORCEINLINE void for_my_cells(const Box& b, F&& f) {
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  const int j = int(blockIdx.y * blockDim.y + threadIdx.y);
  if (i >= b.nx || j >= b.ny) return;
  const int k0 = int(blockIdx.z) * kZPerThread;
  const int k1 = min(k0 + kZPerThread, b.nz);
  for (int k = k0; k < k1; ++k) f(i, j, k);
}

// Calls f(c) for the padded index c of each interior voxel of this thread.
template <class F>
__device__ RD_FORCEINLINE void for_my_voxels(const Box& b, F&& f) {
  for_my_cells(b, [&](int i, int j, int k) { f(b.idx(i, j, k)); });
}

// Adds v of every thread of a kBlockX × kBlockY block to *out with one atomic per block (each
// row of the block is one warp). Every thread of the block must call it.
__device__ inline void block_add(double v, double* out) {
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

}  // namespace lobule::cuda

/// The CUDA reaction kernel, templated on the model: include it in the .cu file that
/// instantiates a model (see reaction_cuda.cu).
#pragma once
#include "../grid.hpp"
#include "../reaction.hpp"
#include "../voxel_class.hpp"
#include "cuda_check.cuh"

namespace lobule::cuda {

namespace detail {
constexpr int kReactBlockX = 32, kReactBlockY = 8;

// The voxel of this thread: one thread per interior voxel of one z-plane (blockIdx.z), x fastest
// for coalescing. False for the threads past the box's edge.
__device__ inline bool my_voxel(const Box& b, const VoxelMap& m, VoxelRef& v) {
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  const int j = int(blockIdx.y * blockDim.y + threadIdx.y);
  const int k = int(blockIdx.z);
  if (i >= b.nx || j >= b.ny) return false;
  const std::size_t c = b.idx(i, j, k);
  v = m.at(c, i, j, k);
  return true;
}

inline dim3 plane_grid(const Box& b) {
  return dim3(unsigned((b.nx + kReactBlockX - 1) / kReactBlockX),
              unsigned((b.ny + kReactBlockY - 1) / kReactBlockY), unsigned(b.nz));
}
inline dim3 plane_block() {
  return dim3(kReactBlockX, kReactBlockY, 1);
}

template <class T, class R>
__global__ void react_kernel(Box b, VoxelMap m, ReactionFields<T, R::kMaxFields> f, R r, T t, T dt,
                             ReactionControl<T> ctl) {
  VoxelRef v;
  if (my_voxel(b, m, v)) react_at(r, f, v, t, dt, ctl);
}
}  // namespace detail

/// R(dt) from t at every tissue voxel on the device (see cpu::react).
template <class T, class R>
void react(const Box& b, const VoxelMap& m, const ReactionFields<T, R::kMaxFields>& f, const R& r,
           T t, T dt, const ReactionControl<T>& ctl) {
  if (b.interior() == 0) return;
  detail::react_kernel<T, R>
      <<<detail::plane_grid(b), detail::plane_block()>>>(b, m, f, r, t, dt, ctl);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

}  // namespace lobule::cuda

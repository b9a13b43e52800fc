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

// One thread per interior voxel of one z-plane row block; x fastest for coalescing.
template <class T, class R>
__global__ void react_kernel(Box b, const std::uint8_t* __restrict__ label,
                             ReactionFields<T, R::kMaxFields> f, R r, T t, T dt,
                             ReactionControl<T> ctl) {
  constexpr int N = R::kMaxFields;
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  const int j = int(blockIdx.y * blockDim.y + threadIdx.y);
  const int k = int(blockIdx.z);
  if (i >= b.nx || j >= b.ny) return;
  const std::size_t c = b.idx(i, j, k);
  const std::uint8_t l = label[c];
  if (!is_tissue(l)) return;
  T u[N] = {};
#pragma unroll
  for (int q = 0; q < N; ++q)
    if (q < f.n) u[q] = f.u[q][c];
  const std::uint32_t held = f.held(l);
  react_voxel(r, VoxelRef{c, i, j, k, l}, f.n, held, t, dt, ctl, u);
#pragma unroll
  for (int q = 0; q < N; ++q)
    if (q < f.n) f.u[q][c] = ((held >> q) & 1u) ? f.vessel[q].value[l] : u[q];
}
}  // namespace detail

/// R(dt) from t at every tissue voxel on the device (see cpu::react).
template <class T, class R>
void react(const Box& b, const std::uint8_t* label, const ReactionFields<T, R::kMaxFields>& f,
           const R& r, T t, T dt, const ReactionControl<T>& ctl) {
  if (b.interior() == 0) return;
  const dim3 block(detail::kReactBlockX, detail::kReactBlockY, 1);
  const dim3 grid(unsigned((b.nx + block.x - 1) / block.x),
                  unsigned((b.ny + block.y - 1) / block.y), unsigned(b.nz));
  detail::react_kernel<T, R><<<grid, block>>>(b, label, f, r, t, dt, ctl);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

}  // namespace lobule::cuda

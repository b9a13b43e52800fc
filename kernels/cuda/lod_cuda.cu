#include "cuda_check.cuh"
#include "lod_cuda.hpp"

namespace lobule::cuda {
namespace {

constexpr int kTile = 32, kTileRows = 8, kLineBlock = 128;

// A 32 × 32 tile of one z-plane goes through shared memory, so that both the reads (along x
// of b) and the writes (along x of the transposed box) are coalesced; the +1 column avoids
// bank conflicts.
template <class T>
__global__ void transpose_kernel(Box b, Box bt, const T* __restrict__ in, T* __restrict__ out) {
  __shared__ T tile[kTile][kTile + 1];
  const int k = int(blockIdx.z);
  const int i0 = int(blockIdx.x) * kTile, j0 = int(blockIdx.y) * kTile;
  const int tx = int(threadIdx.x);
  for (int r = int(threadIdx.y); r < kTile; r += kTileRows) {
    const int i = i0 + tx, j = j0 + r;
    if (i < b.nx && j < b.ny) tile[r][tx] = in[b.idx(i, j, k)];
  }
  __syncthreads();
  for (int r = int(threadIdx.y); r < kTile; r += kTileRows) {
    const int i = i0 + r, j = j0 + tx;  // element (i, j) of b lands at (j, i) of bt
    if (i < b.nx && j < b.ny) out[bt.idx(j, i, k)] = tile[tx][r];
  }
}

// Thread t solves line (i, o) with i = t mod nx: consecutive threads take consecutive x, so
// each step along the line reads and writes one contiguous segment per warp.
template <class T>
__global__ void lod_lines_kernel(Box b, int axis, T r, LineEnds<T> ends, VesselTable<T> held,
                                 T* __restrict__ u, const T* __restrict__ D,
                                 const std::uint8_t* __restrict__ label, T* __restrict__ cp,
                                 T* __restrict__ dp, T* __restrict__ zp) {
  const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const int others = axis == 1 ? b.nz : b.ny;
  if (t >= (long long)b.nx * others) return;
  const int i = int(t % b.nx), o = int(t / b.nx);
  const std::size_t c0 = axis == 1 ? b.idx(i, 0, o) : b.idx(i, o, 0);
  lod_solve_line(u, D, label, c0, b.stride(axis), b.extent(axis), r, ends, held, cp, dp, zp);
}

}  // namespace

template <class T>
void transpose_xy(const Box& b, const T* in, T* out) {
  if (b.interior() == 0) return;
  const dim3 grid(unsigned((b.nx + kTile - 1) / kTile), unsigned((b.ny + kTile - 1) / kTile),
                  unsigned(b.nz));
  transpose_kernel<<<grid, dim3(kTile, kTileRows, 1)>>>(b, transposed_xy(b), in, out);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

template <class T>
void lod_sweep_yz(const Box& b, int axis, T r, const LineEnds<T>& ends, const VesselTable<T>& held,
                  T* u, const T* D, const std::uint8_t* label, T* cp, T* dp, T* zp) {
  const long long lines = (long long)b.nx * (axis == 1 ? b.nz : b.ny);
  if (lines == 0) return;
  const unsigned blocks = unsigned((lines + kLineBlock - 1) / kLineBlock);
  lod_lines_kernel<<<blocks, kLineBlock>>>(b, axis, r, ends, held, u, D, label, cp, dp, zp);
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

template <class T>
void lod_sweep_x(const Box& b, T r, const LineEnds<T>& ends, const VesselTable<T>& held, T* u,
                 const T* D, const std::uint8_t* label_t, T* u_t, T* D_t, T* cp, T* dp, T* zp) {
  const Box bt = transposed_xy(b);
  transpose_xy(b, u, u_t);
  transpose_xy(b, D, D_t);
  lod_sweep_yz(bt, 1, r, ends, held, u_t, D_t, label_t, cp, dp, zp);
  transpose_xy(bt, u_t, u);
}

#define LOBULE_INSTANTIATE(T)                                                                      \
  template void transpose_xy<T>(const Box&, const T*, T*);                                         \
  template void lod_sweep_yz<T>(const Box&, int, T, const LineEnds<T>&, const VesselTable<T>&, T*, \
                                const T*, const std::uint8_t*, T*, T*, T*);                        \
  template void lod_sweep_x<T>(const Box&, T, const LineEnds<T>&, const VesselTable<T>&, T*,       \
                               const T*, const std::uint8_t*, T*, T*, T*, T*, T*);
LOBULE_INSTANTIATE(float)
LOBULE_INSTANTIATE(double)
#undef LOBULE_INSTANTIATE

}  // namespace lobule::cuda

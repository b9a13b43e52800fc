// The CUDA kernels of the multigrid and the implicit step: one thread per voxel (of a few
// z-planes), each calling the shared per-voxel formula.
#include <cuda_runtime.h>

#include "cuda_check.cuh"
#include "launch.cuh"
#include "multigrid_cuda.hpp"

namespace lobule::cuda {
namespace {

// Periodic faces only (blockIdx.y = face); the kinds travel by value.
struct Kinds {
  BoundaryKind k[kFaces];
};
Kinds kinds_of(const BoundaryKind* kind) {
  Kinds k{};
  for (int f = 0; f < kFaces; ++f) k.k[f] = kind[f];
  return k;
}

template <class T>
__global__ void wrap_kernel(Box b, Kinds kind, T* u) {
  const int f = int(blockIdx.y);
  if (kind.k[f] != BoundaryKind::Periodic) return;
  const std::size_t c = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  BoundarySet<T> bc;
  bc.kind[f] = BoundaryKind::Periodic;
  if (c < face_cells(b, f)) fill_halo_cell(b, bc, HaloOf::Concentration, f, c, u);
}

template <class T>
__global__ void kinds_kernel(Box b, const std::uint8_t* __restrict__ label,
                             const __grid_constant__ VesselTable<T> held, std::uint8_t* out) {
  for_my_voxels(b, [&](std::size_t c) { out[c] = mg_voxel_kind(label[c], held); });
}

__global__ void kinds_halo_kernel(Box b, Kinds kind, std::uint8_t* out) {
  const int f = int(blockIdx.y);
  const std::size_t n = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (n < face_cells(b, f)) mg_kind_halo_cell(b, kind.k, f, n, out);
}

template <class T, class Rates>
__global__ void build_fine_kernel(MgFineSpec<T> s, Rates r, T* diag, T* w0, T* w1, T* w2) {
  for_my_cells(s.box, [&](int i, int j, int k) {
    const std::size_t c = s.box.idx(i, j, k);
    const MgCell<T> m = mg_fine_cell_at(s, r, c);
    diag[c] = mg_diagonal(m, m.wm);
    w0[c] = m.w[0], w1[c] = m.w[1], w2[c] = m.w[2];
  });
}

template <class T, class Src>
__global__ void coarsen_kernel(Src src, MgLevelArrays<T> coarse) {
  for_my_cells(coarse.box, [&](int i, int j, int k) {
    mg_store(coarse, coarse.box.idx(i, j, k), mg_coarse_cell<T>(src, coarse.box, i, j, k));
  });
}

template <class T>
__global__ void finish_diag_kernel(MgLevelArrays<T> lv) {
  for_my_voxels(lv.box, [&](std::size_t c) { lv.diag[c] = mg_level_diagonal(lv, c); });
}

template <class T>
__global__ void smooth_kernel(Box b, MgOperator<T> op, T* x, const T* __restrict__ rhs, int colour,
                              unsigned odd) {
  for_my_cells(b, [&](int i, int j, int k) {
    if (mg_colour(b, odd, i, j, k) != colour) return;
    const std::size_t c = b.idx(i, j, k);
    x[c] = mg_gauss_seidel_at(op, x, rhs, c);
  });
}

// Every sweep of a small level in one block: the periodic wrap and each colour separated by
// __syncthreads (launches would cost more than the work).
constexpr int kSmallLevelThreads = 256;
constexpr std::size_t kSmallLevelCells = 8192;

template <class T>
__global__ void smooth_small_kernel(Box b, Kinds kind, MgOperator<T> op, T* x,
                                    const T* __restrict__ rhs, int sweeps, bool forward,
                                    unsigned odd) {
  const std::size_t n = b.interior();
  for (int s = 0; s < sweeps; ++s)
    for (int q = 0; q < kMgColours; ++q) {
      const int colour = forward ? q : kMgColours - 1 - q;
      if (!mg_colour_used(colour, odd)) continue;
      for (int f = 0; f < kFaces; ++f) {
        if (kind.k[f] != BoundaryKind::Periodic) continue;
        BoundarySet<T> bc;
        bc.kind[f] = BoundaryKind::Periodic;
        for (std::size_t m = threadIdx.x; m < face_cells(b, f); m += blockDim.x)
          fill_halo_cell(b, bc, HaloOf::Concentration, f, m, x);
      }
      __syncthreads();
      for (std::size_t m = threadIdx.x; m < n; m += blockDim.x) {
        const int i = int(m % std::size_t(b.nx)),
                  j = int(m / std::size_t(b.nx) % std::size_t(b.ny));
        const int k = int(m / (std::size_t(b.nx) * std::size_t(b.ny)));
        if (mg_colour(b, odd, i, j, k) != colour) continue;
        const std::size_t c = b.idx(i, j, k);
        x[c] = mg_gauss_seidel_at(op, x, rhs, c);
      }
      __syncthreads();
    }
}

template <class T>
__global__ void restrict_kernel(Box fine, MgOperator<T> op, const T* __restrict__ x,
                                const T* __restrict__ rhs, Box coarse, T* __restrict__ bc) {
  for_my_cells(coarse, [&](int i, int j, int k) {
    bc[coarse.idx(i, j, k)] = mg_restrict_at(fine, op, x, rhs, i, j, k);
  });
}

template <class T>
__global__ void prolong_kernel(Box coarse, const T* __restrict__ xc, Box fine, MgOperator<T> op,
                               T* __restrict__ x) {
  for_my_cells(fine, [&](int i, int j, int k) {
    const std::size_t c = fine.idx(i, j, k);
    if (op.diag[c] > T(0)) x[c] += xc[mg_parent(fine, coarse, i, j, k)];
  });
}

template <class T>
__global__ void zero_kernel(std::size_t n, T* x) {
  const std::size_t c = std::size_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c < n) x[c] = T(0);
}

template <class T>
__global__ void dot_kernel(Box b, const T* __restrict__ x, const T* __restrict__ y, double* out) {
  double v = 0;
  for_my_voxels(b, [&](std::size_t c) { v += double(x[c]) * double(y[c]); });
  block_add(v, out);
}

template <class T>
__global__ void direction_kernel(Box b, MgOperator<T> op, const T* __restrict__ z, T beta,
                                 T* __restrict__ p, T* __restrict__ q, double* out) {
  double v = 0;
  for_my_voxels(b, [&](std::size_t c) {
    const T pc = z[c] + beta * p[c];
    const T qc = mg_apply_at(op, z, c) + beta * q[c];
    p[c] = pc;
    q[c] = qc;
    v += double(pc) * double(qc);
  });
  block_add(v, out);
}

template <class T>
__global__ void update_kernel(Box b, T alpha, const T* __restrict__ p, const T* __restrict__ q,
                              T* __restrict__ x, T* __restrict__ r, double* out) {
  double v = 0;
  for_my_voxels(b, [&](std::size_t c) {
    x[c] += alpha * p[c];
    const T rc = r[c] - alpha * q[c];
    r[c] = rc;
    v += double(rc) * double(rc);
  });
  block_add(v, out);
}

template <class T, class Rates>
__global__ void operator_kernel(Box b, Rkl2Context<T> x, Rates r, const T* __restrict__ u,
                                const T* __restrict__ D, T* __restrict__ m) {
  for_my_voxels(b, [&](std::size_t c) { m[c] = implicit_operator_voxel(x, r, c, u, D); });
}

template <class T>
__global__ void set_held_kernel(Box b, const std::uint8_t* __restrict__ label,
                                const __grid_constant__ VesselTable<T> held, T* __restrict__ u) {
  for_my_voxels(b, [&](std::size_t c) { u[c] = held_value(held, label[c], u[c]); });
}

template <class T>
__global__ void combine_kernel(Box b, T a1, const T* x1, T a2, const T* x2, T* out) {
  for_my_voxels(b, [&](std::size_t c) { out[c] = x2 ? a1 * x1[c] + a2 * x2[c] : a1 * x1[c]; });
}

template <class T>
__global__ void clip_kernel(Box b, T* __restrict__ u) {
  for_my_voxels(b, [&](std::size_t c) { u[c] = u[c] < T(0) ? T(0) : u[c]; });
}

template <class T>
__global__ void finish_kernel(Box b, Rkl2Context<T> x, const T* u, const T* delta, T* out,
                              double* clipped) {
  double v = 0;
  for_my_voxels(b, [&](std::size_t c) {
    double cut = 0;
    out[c] = implicit_new_value(x, c, u[c], delta[c], cut);
    v += cut;
  });
  block_add(v, clipped);
}

void check() {
  LOBULE_CUDA_CHECK(cudaGetLastError());
}

}  // namespace

template <class T>
void mg_kinds(const Box& b, const std::uint8_t* label, const VesselTable<T>& held,
              const BoundaryKind* kind, std::uint8_t* out) {
  const Launch l = voxel_launch(b);
  kinds_kernel<<<l.grid, l.block>>>(b, label, held, out);
  check();
  std::size_t n = 0;
  for (int f = 0; f < kFaces; ++f) n = face_cells(b, f) > n ? face_cells(b, f) : n;
  if (n == 0) return;
  kinds_halo_kernel<<<dim3(unsigned((n + 255) / 256), kFaces), 256>>>(b, kinds_of(kind), out);
  check();
}

template <class T>
void mg_build_fine(const MgFineSpec<T>& s, T* diag, T* const w[3]) {
  const Launch l = voxel_launch(s.box);
  with_rates(s.rates,
             [&](auto r) { build_fine_kernel<<<l.grid, l.block>>>(s, r, diag, w[0], w[1], w[2]); });
  check();
}

template <class T>
void mg_coarsen_fine(const MgFineSpec<T>& s, const T* const w[3], const MgLevelArrays<T>& coarse) {
  const Launch l = voxel_launch(coarse.box);
  with_rates(s.rates, [&](auto r) {
    coarsen_kernel<T>
        <<<l.grid, l.block>>>(MgFineSource<T, decltype(r)>{s, r, {w[0], w[1], w[2]}}, coarse);
  });
  check();
}

template <class T>
void mg_coarsen(const MgLevelArrays<T>& fine, const BoundaryKind* kind,
                const MgLevelArrays<T>& coarse) {
  MgCoarseSource<T> src{fine, {}};
  for (int f = 0; f < kFaces; ++f) src.kinds[f] = kind[f];
  const Launch l = voxel_launch(coarse.box);
  coarsen_kernel<T><<<l.grid, l.block>>>(src, coarse);
  check();
}

template <class T>
void mg_finish_diag(const MgLevelArrays<T>& lv) {
  const Launch l = voxel_launch(lv.box);
  finish_diag_kernel<<<l.grid, l.block>>>(lv);
  check();
}

template <class T>
void mg_wrap_halo(const Box& b, const BoundaryKind* kind, T* u) {
  std::size_t n = 0;
  bool any = false;
  for (int f = 0; f < kFaces; ++f) {
    any = any || kind[f] == BoundaryKind::Periodic;
    n = face_cells(b, f) > n ? face_cells(b, f) : n;
  }
  if (!any || n == 0) return;
  wrap_kernel<<<dim3(unsigned((n + 255) / 256), kFaces), 256>>>(b, kinds_of(kind), u);
  check();
}

template <class T>
void mg_smooth(const Box& b, const BoundaryKind* kind, const MgOperator<T>& op, T* x, const T* rhs,
               int sweeps, bool forward) {
  const unsigned odd = mg_odd_periodic(b, kind);
  if (b.interior() <= kSmallLevelCells) {
    smooth_small_kernel<<<1, kSmallLevelThreads>>>(b, kinds_of(kind), op, x, rhs, sweeps, forward,
                                                   odd);
    check();
    return;
  }
  const Launch l = voxel_launch(b);
  for (int s = 0; s < sweeps; ++s)
    for (int q = 0; q < kMgColours; ++q) {
      const int colour = forward ? q : kMgColours - 1 - q;
      if (!mg_colour_used(colour, odd)) continue;
      mg_wrap_halo(b, kind, x);
      smooth_kernel<<<l.grid, l.block>>>(b, op, x, rhs, colour, odd);
      check();
    }
}

template <class T>
void mg_restrict(const Box& fine, const MgOperator<T>& op, const T* x, const T* rhs,
                 const Box& coarse, T* bc) {
  const Launch l = voxel_launch(coarse);
  restrict_kernel<<<l.grid, l.block>>>(fine, op, x, rhs, coarse, bc);
  check();
}

template <class T>
void mg_prolong(const Box& coarse, const T* xc, const Box& fine, const MgOperator<T>& op, T* x) {
  const Launch l = voxel_launch(fine);
  prolong_kernel<<<l.grid, l.block>>>(coarse, xc, fine, op, x);
  check();
}

template <class T>
void mg_zero(const Box& b, T* x) {
  const std::size_t n = b.padded();
  if (n == 0) return;
  zero_kernel<<<unsigned((n + 255) / 256), 256>>>(n, x);
  check();
}

template <class T>
void mg_dot(const Box& b, const T* x, const T* y, double* out) {
  const Launch l = voxel_launch(b);
  dot_kernel<<<l.grid, l.block>>>(b, x, y, out);
  check();
}

template <class T>
void mg_direction(const Box& b, const MgOperator<T>& op, const T* z, T beta, T* p, T* q,
                  double* out) {
  const Launch l = voxel_launch(b);
  direction_kernel<<<l.grid, l.block>>>(b, op, z, beta, p, q, out);
  check();
}

template <class T>
void mg_update(const Box& b, T alpha, const T* p, const T* q, T* x, T* r, double* out) {
  const Launch l = voxel_launch(b);
  update_kernel<<<l.grid, l.block>>>(b, alpha, p, q, x, r, out);
  check();
}

template <class T>
void implicit_operator(const Box& b, const Rkl2Context<T>& x, const T* u, const T* D, T* m) {
  const Launch l = voxel_launch(b);
  with_rates(x.rates, [&](auto r) { operator_kernel<<<l.grid, l.block>>>(b, x, r, u, D, m); });
  check();
}

template <class T>
void set_held(const Box& b, const std::uint8_t* label, const VesselTable<T>& held, T* u) {
  if (!held.any()) return;
  const Launch l = voxel_launch(b);
  set_held_kernel<<<l.grid, l.block>>>(b, label, held, u);
  check();
}

template <class T>
void combine(const Box& b, T a1, const T* x1, T a2, const T* x2, T* out) {
  const Launch l = voxel_launch(b);
  combine_kernel<<<l.grid, l.block>>>(b, a1, x1, a2, x2, out);
  check();
}

template <class T>
void clip_negative(const Box& b, T* u) {
  const Launch l = voxel_launch(b);
  clip_kernel<<<l.grid, l.block>>>(b, u);
  check();
}

template <class T>
void implicit_finish(const Box& b, const Rkl2Context<T>& x, const T* u, const T* delta, T* out,
                     double* clipped) {
  const Launch l = voxel_launch(b);
  finish_kernel<<<l.grid, l.block>>>(b, x, u, delta, out, clipped);
  check();
}

#define LOBULE_MG_CUDA(T)                                                                         \
  template void mg_kinds<T>(const Box&, const std::uint8_t*, const VesselTable<T>&,               \
                            const BoundaryKind*, std::uint8_t*);                                  \
  template void mg_build_fine<T>(const MgFineSpec<T>&, T*, T* const[3]);                          \
  template void mg_coarsen_fine<T>(const MgFineSpec<T>&, const T* const[3],                       \
                                   const MgLevelArrays<T>&);                                      \
  template void mg_coarsen<T>(const MgLevelArrays<T>&, const BoundaryKind*,                       \
                              const MgLevelArrays<T>&);                                           \
  template void mg_finish_diag<T>(const MgLevelArrays<T>&);                                       \
  template void mg_wrap_halo<T>(const Box&, const BoundaryKind*, T*);                             \
  template void mg_smooth<T>(const Box&, const BoundaryKind*, const MgOperator<T>&, T*, const T*, \
                             int, bool);                                                          \
  template void mg_restrict<T>(const Box&, const MgOperator<T>&, const T*, const T*, const Box&,  \
                               T*);                                                               \
  template void mg_prolong<T>(const Box&, const T*, const Box&, const MgOperator<T>&, T*);        \
  template void mg_zero<T>(const Box&, T*);                                                       \
  template void mg_dot<T>(const Box&, const T*, const T*, double*);                               \
  template void mg_direction<T>(const Box&, const MgOperator<T>&, const T*, T, T*, T*, double*);  \
  template void mg_update<T>(const Box&, T, const T*, const T*, T*, T*, double*);                 \
  template void implicit_operator<T>(const Box&, const Rkl2Context<T>&, const T*, const T*, T*);  \
  template void set_held<T>(const Box&, const std::uint8_t*, const VesselTable<T>&, T*);          \
  template void combine<T>(const Box&, T, const T*, T, const T*, T*);                             \
  template void clip_negative<T>(const Box&, T*);                                                 \
  template void implicit_finish<T>(const Box&, const Rkl2Context<T>&, const T*, const T*, T*,     \
                                   double*);
LOBULE_MG_CUDA(float)
LOBULE_MG_CUDA(double)
#undef LOBULE_MG_CUDA

}  // namespace lobule::cuda

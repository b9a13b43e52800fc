/// A coupled model's kernels on the CUDA engine. Include it in the .cu file that instantiates a
/// model (kernels/models/<model>.cu, one line: LOBULE_CUDA_MODEL_KERNELS).
#pragma once
#include <memory>

#include "../diffusion_stencil.hpp"
#include "../model_kernels.hpp"
#include "diffusion_cuda.hpp"
#include "note_lowest.cuh"
#include "reaction_cuda.cuh"

namespace lobule::cuda {
namespace detail {

template <class T, class R>
__global__ void rates_kernel(Box b, VoxelMap m, ReactionFields<T, R::kMaxFields> f, R r, T t,
                             PointerList<T, R::kMaxFields> rate) {
  VoxelRef v;
  if (my_voxel(b, m, v)) net_rates_at(r, f, v, t, rate.p);
}

template <class T, class R>
__global__ void freeze_kernel(Box b, VoxelMap m, ReactionFields<T, R::kMaxFields> f, R r, T t,
                              PointerList<T, R::kMaxFields> p, PointerList<T, R::kMaxFields> l) {
  VoxelRef v;
  if (my_voxel(b, m, v)) production_and_loss_at(r, f, v, t, p.p, l.p);
}

// What a fused explicit step reads and writes per species, passed to the kernel by value.
template <class T, int N>
struct FusedArrays {
  ReactionFields<T, N> f;  // the old states and the values held at vessels
  T* out[N] = {};
  const T* D[N] = {};  // nullptr: a local field
  InvH2<T> ih2[N] = {};
  T* lowest[N] = {};
};

// The fused explicit step at one voxel: the rates of all its fields (net_rates_at), then each
// field's explicit update with its divergence (explicit_voxel), as rates_kernel followed by the
// explicit update kernel of each species computes them, without the rate arrays between.
template <class T, class R>
__global__ void fused_explicit_kernel(Box b, VoxelMap m, FusedArrays<T, R::kMaxFields> a, R r, T t,
                                      T dt) {
  constexpr int N = R::kMaxFields;
  VoxelRef v;
  if (!my_voxel(b, m, v)) return;
  T u[N] = {}, rate[N] = {};
  if (is_tissue(v.label)) {
#pragma unroll
    for (int q = 0; q < N; ++q)
      if (q < a.f.n) u[q] = a.f.u[q][v.c];
    net_rates(r, v, a.f.n, a.f.held(v.label), t, u, rate);
  }
  const std::size_t sy = b.sy(), sz = b.sz();
#pragma unroll
  for (int q = 0; q < N; ++q) {
    if (q >= a.f.n) break;
    const T x = explicit_voxel(a.f.u[q], a.D[q], v.label, a.f.vessel[q], v.c, sy, sz, a.ih2[q], dt,
                               rate[q]);
    a.out[q][v.c] = x;
    note_lowest(x, a.lowest[q]);
  }
}

}  // namespace detail

/// ModelKernels for a per-voxel model R on the GPU.
template <class T, class R>
class CudaModelKernels final : public ModelKernels<T> {
  static constexpr int N = R::kMaxFields;

 public:
  explicit CudaModelKernels(const R& r) : r_(r) {}
  bool host_memory() const override { return false; }

  void react(const Box& b, const VoxelMap& m, const std::vector<T*>& u,
             const std::vector<VesselTable<T>>& held, T t, T dt, const ReactionControl<T>& ctl,
             const std::vector<FrozenRates<T>>& frozen) const override {
    const auto f = reaction_view<T, N>(u, held);
    if (frozen.empty())
      cuda::react(b, m, f, r_, t, dt, ctl);
    else
      cuda::react(b, m, f, remainder_of(r_, frozen, dt), t, dt, ctl);
  }
  void rates(const Box& b, const VoxelMap& m, const std::vector<T*>& u,
             const std::vector<VesselTable<T>>& held, T t,
             const std::vector<T*>& rate) const override {
    if (b.interior() == 0) return;
    detail::rates_kernel<T, R><<<detail::plane_grid(b), detail::plane_block()>>>(
        b, m, reaction_view<T, N>(u, held), r_, t, pointer_list<T, N>(rate));
    LOBULE_CUDA_CHECK(cudaGetLastError());
  }
  // The halos of the diffusing fields first (one launch each), then one kernel for every field.
  bool explicit_step(const FusedExplicit<T>& x) const override {
    if (x.species.size() > std::size_t(N)) return false;
    if (x.box.interior() == 0) return true;
    detail::FusedArrays<T, N> a;
    a.f.n = int(x.species.size());
    for (int q = 0; q < a.f.n; ++q) {
      const FusedSpecies<T>& s = x.species[std::size_t(q)];
      if (s.D && s.fill) fill_halo(x.box, *s.fill, HaloOf::Concentration, s.u);
      a.f.u[q] = s.u;
      a.f.vessel[q] = s.held;
      a.out[q] = s.out;
      a.D[q] = s.D;
      a.ih2[q] = s.ih2;
      a.lowest[q] = s.lowest;
    }
    detail::fused_explicit_kernel<T, R>
        <<<detail::plane_grid(x.box), detail::plane_block()>>>(x.box, x.map, a, r_, x.t, x.dt);
    LOBULE_CUDA_CHECK(cudaGetLastError());
    return true;
  }
  void freeze(const Box& b, const VoxelMap& m, const std::vector<T*>& u,
              const std::vector<VesselTable<T>>& held, T t, const std::vector<T*>& p,
              const std::vector<T*>& l) const override {
    if (b.interior() == 0) return;
    detail::freeze_kernel<T, R><<<detail::plane_grid(b), detail::plane_block()>>>(
        b, m, reaction_view<T, N>(u, held), r_, t, pointer_list<T, N>(p), pointer_list<T, N>(l));
    LOBULE_CUDA_CHECK(cudaGetLastError());
  }

 private:
  R r_;
};

}  // namespace lobule::cuda

namespace lobule {
template <class T, class R>
std::shared_ptr<const ModelKernels<T>> make_cuda_kernels(const R& r) {
  return std::make_shared<cuda::CudaModelKernels<T, R>>(r);
}
}  // namespace lobule

/// Compiles a model's rates for the GPU: the one line of a model's .cu file, for a rates functor
/// template Rates<T> (float and double).
#define LOBULE_CUDA_MODEL_KERNELS(Rates)                               \
  template std::shared_ptr<const ::lobule::ModelKernels<float>>        \
  lobule::make_cuda_kernels<float, Rates<float>>(const Rates<float>&); \
  template std::shared_ptr<const ::lobule::ModelKernels<double>>       \
  lobule::make_cuda_kernels<double, Rates<double>>(const Rates<double>&);

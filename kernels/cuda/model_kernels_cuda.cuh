/// A coupled model's kernels on the CUDA engine. Include it in the .cu file that instantiates a
/// model (kernels/models/<model>.cu, one line: LOBULE_CUDA_MODEL_KERNELS).
#pragma once
#include <memory>

#include "../model_kernels.hpp"
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

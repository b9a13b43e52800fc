/// A coupled model's kernels on the CPU engine: the OpenMP loops of reaction_cpu.hpp around the
/// model's per-voxel rates, and its fused explicit step (fused_explicit_cpu.hpp).
#pragma once
#include "../model_kernels.hpp"
#include "fused_explicit_cpu.hpp"
#include "reaction_cpu.hpp"

namespace lobule {

/// ModelKernels for a per-voxel model R (see kernels/reaction.hpp for what R provides).
template <class T, class R>
class CpuModelKernels final : public ModelKernels<T> {
  static constexpr int N = R::kMaxFields;

 public:
  explicit CpuModelKernels(const R& r) : r_(r) {}
  bool host_memory() const override { return true; }

  void react(const Box& b, const VoxelMap& m, const std::vector<T*>& u,
             const std::vector<VesselTable<T>>& held, T t, T dt, const ReactionControl<T>& ctl,
             const std::vector<FrozenRates<T>>& frozen) const override {
    const auto f = reaction_view<T, N>(u, held);
    if (frozen.empty())
      cpu::react(b, m, f, r_, t, dt, ctl);
    else
      cpu::react(b, m, f, remainder_of(r_, frozen, dt), t, dt, ctl);
  }
  void rates(const Box& b, const VoxelMap& m, const std::vector<T*>& u,
             const std::vector<VesselTable<T>>& held, T t,
             const std::vector<T*>& rate) const override {
    cpu::reaction_rates(b, m, reaction_view<T, N>(u, held), r_, t, rate.data());
  }
  bool explicit_step(const FusedExplicit<T>& x) const override {
    // A model with row rates has its step built for each instruction set in its CPU file
    // (kernels/models/<model>_cpu.cpp), which declares fused_explicit_row_rates for it.
    if constexpr (cpu::kRowRates<R>)
      return fused_explicit_row_rates(x, r_);
    else
      return cpu::fused_explicit_step(x, r_);
  }
  void freeze(const Box& b, const VoxelMap& m, const std::vector<T*>& u,
              const std::vector<VesselTable<T>>& held, T t, const std::vector<T*>& p,
              const std::vector<T*>& l) const override {
    cpu::production_and_loss(b, m, reaction_view<T, N>(u, held), r_, t, p.data(), l.data());
  }

 private:
  R r_;
};

}  // namespace lobule

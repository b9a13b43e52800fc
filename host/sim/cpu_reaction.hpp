/// A reaction model on the CPU backend: lets models other than diffusion–decay (and tests)
/// plug their per-voxel rates into the backend's explicit and Strang steps.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/cpu/reaction_cpu.hpp"

namespace lobule {

/// The reaction of all fields together, as the CPU backend calls it.
template <class T>
class CpuReaction {
 public:
  virtual ~CpuReaction() = default;
  /// R(dt) from t on fields u[0..n) (padded layout); held[q] are the vessel values at t + dt.
  virtual void step(const Box& b, const std::uint8_t* label, const std::vector<T*>& u,
                    const std::vector<VesselTable<T>>& held, T t, T dt,
                    const ReactionControl<T>& ctl) const = 0;
  /// rate[q] = P_q − L_q·u_q [conc/s] at every voxel, for the unsplit explicit scheme.
  virtual void rates(const Box& b, const std::uint8_t* label, const std::vector<T*>& u,
                     const std::vector<VesselTable<T>>& held, T t,
                     const std::vector<T*>& rate) const = 0;
};

/// CpuReaction for a per-voxel model R (see kernels/reaction.hpp for what R provides).
template <class T, class R>
class CpuReactionOf final : public CpuReaction<T> {
 public:
  explicit CpuReactionOf(const R& r) : r_(r) {}

  void step(const Box& b, const std::uint8_t* label, const std::vector<T*>& u,
            const std::vector<VesselTable<T>>& held, T t, T dt,
            const ReactionControl<T>& ctl) const override {
    cpu::react(b, label, view(u, held), r_, t, dt, ctl);
  }
  void rates(const Box& b, const std::uint8_t* label, const std::vector<T*>& u,
             const std::vector<VesselTable<T>>& held, T t,
             const std::vector<T*>& rate) const override {
    cpu::reaction_rates(b, label, view(u, held), r_, t, rate.data());
  }

 private:
  static ReactionFields<T, R::kMaxFields> view(const std::vector<T*>& u,
                                               const std::vector<VesselTable<T>>& held) {
    ReactionFields<T, R::kMaxFields> f;
    f.n = int(u.size() < std::size_t(R::kMaxFields) ? u.size() : std::size_t(R::kMaxFields));
    for (int q = 0; q < f.n; ++q) {
      f.u[q] = u[std::size_t(q)];
      f.vessel[q] = held[std::size_t(q)];
    }
    return f;
  }
  R r_;
};

}  // namespace lobule

/// A coupled reaction model on the CPU engine: lets models other than diffusion–decay (and
/// tests) plug their per-voxel rates into the explicit and balanced Strang steps.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/balanced_reaction.hpp"
#include "kernels/cpu/reaction_cpu.hpp"

namespace lobule {

/// The reaction of all fields together, as the CPU engine calls it. Arrays use the padded layout.
template <class T>
class CpuReaction {
 public:
  virtual ~CpuReaction() = default;
  /// R(dt) from t on fields u[0..n); held[q] are the vessel values at t + dt. Fields q with
  /// frozen[q].p set react with their frozen rates taken out (RemainderOf); pass an empty
  /// `frozen` for the whole reaction.
  virtual void step(const Box& b, const std::uint8_t* label, const std::vector<T*>& u,
                    const std::vector<VesselTable<T>>& held, T t, T dt,
                    const ReactionControl<T>& ctl,
                    const std::vector<FrozenRates<T>>& frozen) const = 0;
  /// rate[q] = P_q − L_q·u_q [conc/s] at every voxel, for the unsplit explicit scheme.
  virtual void rates(const Box& b, const std::uint8_t* label, const std::vector<T*>& u,
                     const std::vector<VesselTable<T>>& held, T t,
                     const std::vector<T*>& rate) const = 0;
  /// P_q and L_q at (t, u) into p[q] and l[q] for the fields whose p[q] is non-null.
  virtual void freeze(const Box& b, const std::uint8_t* label, const std::vector<T*>& u,
                      const std::vector<VesselTable<T>>& held, T t, const std::vector<T*>& p,
                      const std::vector<T*>& l) const = 0;
};

/// CpuReaction for a per-voxel model R (see kernels/reaction.hpp for what R provides).
template <class T, class R>
class CpuReactionOf final : public CpuReaction<T> {
 public:
  explicit CpuReactionOf(const R& r) : r_(r) {}

  void step(const Box& b, const std::uint8_t* label, const std::vector<T*>& u,
            const std::vector<VesselTable<T>>& held, T t, T dt, const ReactionControl<T>& ctl,
            const std::vector<FrozenRates<T>>& frozen) const override {
    if (frozen.empty()) return cpu::react(b, label, view(u, held), r_, t, dt, ctl);
    RemainderOf<T, R> rem{r_};
    for (std::size_t q = 0; q < frozen.size() && q < std::size_t(R::kMaxFields); ++q)
      rem.frozen[q] = frozen[q];
    cpu::react(b, label, view(u, held), rem, t, dt, ctl);
  }
  void rates(const Box& b, const std::uint8_t* label, const std::vector<T*>& u,
             const std::vector<VesselTable<T>>& held, T t,
             const std::vector<T*>& rate) const override {
    cpu::reaction_rates(b, label, view(u, held), r_, t, rate.data());
  }
  void freeze(const Box& b, const std::uint8_t* label, const std::vector<T*>& u,
              const std::vector<VesselTable<T>>& held, T t, const std::vector<T*>& p,
              const std::vector<T*>& l) const override {
    cpu::production_and_loss(b, label, view(u, held), r_, t, p.data(), l.data());
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

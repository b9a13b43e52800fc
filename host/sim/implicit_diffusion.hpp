/// D̃(dt) implicitly (kernels/implicit_step.hpp): TR-BDF2 in increments, both stages solved by
/// the multigrid of host/sim/multigrid.hpp, backward Euler where TR-BDF2 would leave negative
/// values (or throughout, `method: backward_euler`). L-stable: modes far stiffer than 1/dt are
/// damped in one step, so a quasi-steady field sits on its steady state at any dt.
#pragma once
#include <cmath>
#include <utility>
#include <vector>

#include "diffusion_integrator.hpp"
#include "host/config/solver_settings.hpp"
#include "kernels/implicit_step.hpp"
#include "multigrid.hpp"

namespace lobule {

template <class T, class Exec>
class ImplicitDiffusion final : public DiffusionIntegrator<T, Exec> {
 public:
  using Task = DiffusionTask<T, Exec>;
  using Array = typename Exec::template Array<T>;

  ImplicitDiffusion(const ImplicitControl& c, std::size_t species)
      : control_(c), mg_(c.solver), tally_(species), coarse_(species) {}

  // See kernels/implicit_step.hpp. scratch 0 holds M(u_n), 1 the first stage's increment, 2 the
  // second's (then the new state, swapped into u); r_ the right-hand sides and residuals. Each
  // solve starts from δ = 0: the species' last increment or δ₁/γ as a start made no difference to
  // the V-cycles (measured on ccl4_4wk), the fields' step-to-step changes being no smooth trend.
  double step(const Task& k, double t, double dt) override {
    const Box& b = k.box;
    if (r_.size() != b.padded()) r_ = zeroed(b);
    T* u = k.u->data();
    T* m = k.scratch[0]->data();
    T* x1 = k.scratch[1]->data();
    T* x2 = k.scratch[2]->data();
    Rkl2Context<T> x = k.context;
    x.held = k.held_at(t);
    const VesselTable<T> end = k.held_at(t + dt);
    const bool moves = !same_values(x.held, end);
    // Held values that move start the step at their values at t (the reaction half step before
    // may have set them to the step's middle).
    if (moves) Exec::set_held(b, x.label, x.held, u);
    Exec::implicit_operator(b, x, u, k.D, m, &k.species->bc);
    // The tolerance is relative to the field (or to the right-hand side where that is larger).
    const double scale = std::sqrt(Exec::mg_dot(b, u, u));
    double clipped = 0;
    if (control_.method == ImplicitMethod::TrBdf2) {
      const T a = T(kTrBdf2A * dt);
      build(k, a, x.held);
      // Stage 1, to t + γ·dt: r = a·[M(u_n) + M(u^γ)].
      if (moves) {
        operator_with_held(k, x, k.held_at(t + kTrBdf2Gamma * dt), u, r_.data());
        Exec::combine(b, a, m, a, r_.data(), r_.data());
      } else {
        Exec::combine(b, T(2) * a, m, T(0), static_cast<const T*>(nullptr), r_.data());
      }
      solve(k, x1, scale);
      // Stage 2, to t + dt: r = a·M(u^1) + c1·δ₁.
      if (moves) {
        operator_with_held(k, x, end, u, r_.data());
        Exec::combine(b, a, r_.data(), T(kTrBdf2C1), x1, r_.data());
      } else {
        Exec::combine(b, a, m, T(kTrBdf2C1), x1, r_.data());
      }
      solve(k, x2, scale);
      x.held = end;
      clipped = Exec::implicit_finish(b, x, u, x2, x2);
      if (!(clipped > 0) || clipped <= k.control.max_undershoot * std::abs(mass(k))) {
        std::swap(*k.u, *k.scratch[2]);
        return clipped;
      }
      ++tally_[k.index].fallbacks;
    }
    // Backward Euler: r = dt·M(u^1), u^1 with the held voxels at their values at t + dt.
    if (moves)
      operator_with_held(k, x, end, u, r_.data());
    else
      Exec::copy(r_.data(), m, b.padded());
    Exec::combine(b, T(dt), r_.data(), T(0), static_cast<const T*>(nullptr), r_.data());
    build(k, T(dt), x.held);
    solve(k, x2, scale);
    x.held = end;
    clipped = Exec::implicit_finish(b, x, u, x2, x2);
    std::swap(*k.u, *k.scratch[2]);
    return clipped;
  }

  std::size_t bytes() const override {
    std::size_t b = mg_.bytes() + r_.size() * sizeof(T);
    for (const Coarse& c : coarse_) b += c.ops.bytes();
    return b;
  }

  SolverTally take_tally(std::size_t s) override {
    if (s >= tally_.size()) return {};
    return std::exchange(tally_[s], SolverTally{});
  }

 private:
  // Per species: its coarse levels, the step coefficient they were built for, and the V-cycles
  // of the first solve after that and of the last one.
  struct Coarse {
    typename Multigrid<T, Exec>::Coarse ops;
    T a = T(0);
    int baseline = -1, cycles = 0;
  };

  static Array zeroed(const Box& b) {
    Array a(b.padded());
    Exec::mg_zero(b, a.data());
    return a;
  }

  static bool same_values(const VesselTable<T>& a, const VesselTable<T>& b) {
    if (a.mask != b.mask) return false;
    for (int l = 0; l < kVesselLabels; ++l)
      if (a.holds(std::uint8_t(l)) && a.value[l] != b.value[l]) return false;
    return true;
  }

  double mass(const Task& k) const { return Exec::interior_sum(k.box, k.u->data()); }

  // The held voxels of u set to `held`, then out = M(u).
  void operator_with_held(const Task& k, Rkl2Context<T> x, const VesselTable<T>& held, T* u,
                          T* out) const {
    Exec::set_held(k.box, x.label, held, u);
    x.held = held;
    Exec::implicit_operator(k.box, x, u, k.D, out, &k.species->bc);
  }

  // The operator (1 + a·ℓ)·δ − a·∇·(D∇δ) for species k.index: the finest level every time, the
  // coarse levels (they only precondition) when a changed, on the first step, or when the
  // solves have grown two V-cycles above what they took right after the last rebuild.
  void build(const Task& k, T a, const VesselTable<T>& held) {
    Coarse& c = coarse_[k.index];
    const bool stale = !c.ops.built() || a != c.a || c.cycles > c.baseline + 2;
    mg_.build(spec(k, a, held), c.ops, stale);
    if (stale) c.a = a, c.baseline = -1;
  }

  // The operator (1 + a·ℓ)·δ − a·∇·(D∇δ) on the voxels that are tissue and not held.
  MgFineSpec<T> spec(const Task& k, T a, const VesselTable<T>& held) const {
    MgFineSpec<T> s;
    s.box = k.box;
    s.label = k.context.label;
    s.held = held;
    s.D = k.D;
    s.ih2 = k.context.ih2;
    s.rates = k.context.rates;
    s.a = a;
    for (int f = 0; f < kFaces; ++f) s.kind[f] = k.species->bc.kind[f];
    return s;
  }

  void solve(const Task& k, T* x, double scale) {
    Coarse& c = coarse_[k.index];
    const SolveStats st = mg_.solve(c.ops, x, r_.data(), scale, k.species->name.c_str());
    c.cycles = st.iterations;
    if (c.baseline < 0) c.baseline = st.iterations;
    SolverTally& t = tally_[k.index];
    ++t.solves;
    t.iterations += st.iterations;
    t.most = std::max(t.most, st.iterations);
    t.residual = std::max(t.residual, st.residual);
  }

  ImplicitControl control_;
  Multigrid<T, Exec> mg_;
  Array r_;
  std::vector<SolverTally> tally_;
  std::vector<Coarse> coarse_;
};

}  // namespace lobule

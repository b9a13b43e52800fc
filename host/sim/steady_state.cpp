#include "steady_state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "host/errors.hpp"
#include "run_signals.hpp"

namespace lobule {
namespace {

using Slot = std::size_t;
constexpr Slot kFields = Backend<double>::kFields;
// The engine's state slots: the step's start x, its result g = G(x), the residual f = g − x, the
// last step's f and g, then the differences ΔF_i, ΔG_i of the last `depth` steps.
constexpr Slot kX = 0, kG = 1, kF = 2, kFprev = 3, kGprev = 4, kHistory = 5;

// Anderson acceleration of the fixed-point map x → G(x) (one pseudo-time step; Walker & Ni,
// SIAM J. Numer. Anal. 49:1715, 2011): the next x is g_k − ΔG·γ with γ minimizing
// ‖f_k − ΔF·γ‖ over the last `depth` differences, in a norm that weighs each species by its
// size (fields of very different scales count alike). Negative values are then set to zero.
class Anderson {
 public:
  explicit Anderson(int depth) : depth_(depth) {}

  void reset() {
    count_ = 0;
    next_ = 0;
    have_prev_ = false;
    gram_.assign(std::size_t(depth_) * std::size_t(depth_), 0.0);
  }

  // After a step from x (slot kX) to g (the fields): the fields become the accelerated iterate.
  void accelerate(Backend<double>& e) {
    e.combine_slots(kG, {{kFields, 1.0}});
    e.combine_slots(kF, {{kG, 1.0}, {kX, -1.0}});
    if (!have_prev_) {
      weight_ = e.slot_max(kG);
      for (double& w : weight_) w = w > 1e-12 ? 1 / (w * w) : 0.0;
    } else {
      const Slot j = Slot(next_);
      e.combine_slots(df(j), {{kF, 1.0}, {kFprev, -1.0}});
      e.combine_slots(dg(j), {{kG, 1.0}, {kGprev, -1.0}});
      for (int i = 0; i < std::min(count_ + 1, depth_); ++i) {
        const double v = e.slot_dot(df(Slot(i)), df(j), weight_);
        gram_[std::size_t(i) * std::size_t(depth_) + j] = v;
        gram_[j * std::size_t(depth_) + std::size_t(i)] = v;
      }
      count_ = std::min(count_ + 1, depth_);
      next_ = (next_ + 1) % depth_;
    }
    e.combine_slots(kFprev, {{kF, 1.0}});
    e.combine_slots(kGprev, {{kG, 1.0}});
    have_prev_ = true;
    if (count_ == 0) return;
    std::vector<double> rhs(std::size_t(count_), 0.0), gamma;
    for (int i = 0; i < count_; ++i) rhs[std::size_t(i)] = e.slot_dot(df(Slot(i)), kF, weight_);
    if (!solve(rhs, gamma)) {
      reset();
      return;
    }
    std::vector<Backend<double>::SlotTerm> terms{{kG, 1.0}};
    for (int i = 0; i < count_; ++i) terms.push_back({dg(Slot(i)), -gamma[std::size_t(i)]});
    e.combine_slots(kFields, terms);
    e.clip_fields();
  }

 private:
  Slot df(Slot i) const { return kHistory + 2 * i; }
  Slot dg(Slot i) const { return kHistory + 2 * i + 1; }

  // The normal equations (Gram + a relative ridge) by Cholesky; false when they are singular.
  bool solve(const std::vector<double>& rhs, std::vector<double>& x) const {
    const int n = count_;
    std::vector<double> a(std::size_t(n) * std::size_t(n));
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        a[std::size_t(i * n + j)] = gram_[std::size_t(i) * std::size_t(depth_) + std::size_t(j)];
    for (int i = 0; i < n; ++i) a[std::size_t(i * n + i)] *= 1 + 1e-10;
    for (int j = 0; j < n; ++j) {
      double d = a[std::size_t(j * n + j)];
      for (int k = 0; k < j; ++k) d -= a[std::size_t(j * n + k)] * a[std::size_t(j * n + k)];
      if (!(d > 0)) return false;
      a[std::size_t(j * n + j)] = std::sqrt(d);
      for (int i = j + 1; i < n; ++i) {
        double v = a[std::size_t(i * n + j)];
        for (int k = 0; k < j; ++k) v -= a[std::size_t(i * n + k)] * a[std::size_t(j * n + k)];
        a[std::size_t(i * n + j)] = v / a[std::size_t(j * n + j)];
      }
    }
    x = rhs;
    for (int i = 0; i < n; ++i) {
      for (int k = 0; k < i; ++k)
        x[std::size_t(i)] -= a[std::size_t(i * n + k)] * x[std::size_t(k)];
      x[std::size_t(i)] /= a[std::size_t(i * n + i)];
    }
    for (int i = n - 1; i >= 0; --i) {
      for (int k = i + 1; k < n; ++k)
        x[std::size_t(i)] -= a[std::size_t(k * n + i)] * x[std::size_t(k)];
      x[std::size_t(i)] /= a[std::size_t(i * n + i)];
    }
    for (double v : x)
      if (!std::isfinite(v)) return false;
    return true;
  }

  int depth_;
  int count_ = 0, next_ = 0;
  bool have_prev_ = false;
  std::vector<double> gram_, weight_;
};

}  // namespace

SteadyProgress solve_steady_state(HostFields<double>& f, BackendChoice which,
                                  std::shared_ptr<const ModelKernels<double>> kernels,
                                  const std::vector<double>& pace, const std::vector<double>& scale,
                                  const SteadySettings& s, const std::string& what,
                                  const std::function<void(const SteadyProgress&)>& progress) {
  // Pseudo-time steps of the run's own long-step scheme (rkl2 for an explicit run): the steady
  // state is the fixed point of both, and the run chose the cheaper one for its grid.
  if (f.scheme == Scheme::Explicit) f.scheme = Scheme::Rkl2;
  f.rkl2.max_halvings = 0;   // pseudo time: an undershoot clipped to 0 needs no accuracy
  f.vessel_value = nullptr;  // pseudo time: the vessels hold their constant values
  auto engine = make_backend<double>(which);
  if (kernels) engine->set_model(std::move(kernels));
  engine->upload(f);
  Anderson aa(s.depth);
  aa.reset();
  SteadyProgress p;
  double h = s.dt;
  bool paced = false;
  double best = HUGE_VAL;
  for (int it = 0; it < s.max_steps; ++it) {
    if (const int sig = SignalGuard::stop_requested())
      throw Interrupted(
          fmt::format("stopped by {} while solving {} at start-up ({} pseudo-time "
                      "steps, largest change {:.2g})",
                      signal_name(sig), what, p.steps, p.change));
    if (!paced && p.steps >= s.dynamic_steps && !pace.empty()) {
      engine->set_pace(pace);  // a new map: the acceleration starts over
      paced = true;
      aa.reset();
    }
    engine->combine_slots(kX, {{kFields, 1.0}});
    bool failed = false;
    try {
      engine->step(0.0, h);
    } catch (const NumericalError& e) {
      if (!(h > s.smallest_dt)) throw NumericalError(fmt::format("solving {}: {}", what, e.what()));
      failed = true;
    }
    // A step's change per field; what counts for settling is the change in a step of tissue
    // time: a paced field moves pace times further in a pseudo-time step than it would.
    const std::vector<double> changes =
        failed ? std::vector<double>() : engine->slot_changes(kX, kFields, scale);
    double change = failed ? HUGE_VAL : 0.0, drift = change;
    std::size_t field = 0;
    for (std::size_t q = 0; q < changes.size(); ++q) {
      change = std::max(change, changes[q]);
      const double d = changes[q] / (paced && q < pace.size() ? pace[q] : 1.0);
      if (d > drift) drift = d, field = q;
    }
    if ((failed || change > s.overshoot) && h > s.smallest_dt) {
      engine->combine_slots(kFields, {{kX, 1.0}});
      h = std::max(s.smallest_dt, 0.25 * h);
      aa.reset();
      continue;
    }
    ++p.steps;
    p.dt = h;
    p.change = drift;
    p.field = field;
    if (progress) progress(p);
    if (drift < s.tolerance && h == s.dt && paced == !pace.empty()) {
      p.settled = true;
      break;
    }
    // The map is one step of the full length: accelerate once the steps are back to it.
    // Safeguard: a step that moved the fields much more than the best one since the history
    // began (the clipped, switching rates make the map non-smooth, and an extrapolation across
    // a switch can run away: MMP and TIMP at 5 um) starts the acceleration over.
    best = std::min(best, change);
    if (change > s.restart * best) {
      aa.reset();
      best = change;
    }
    if (h == s.dt && s.depth > 0 && (paced || pace.empty())) aa.accelerate(*engine);
    h = std::min(s.dt, 2 * h);
  }
  engine->download(f);
  return p;
}

}  // namespace lobule

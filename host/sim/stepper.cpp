#include "stepper.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "build_fields.hpp"
#include "host/model/model.hpp"
#include "observables.hpp"
#include "steady_cache.hpp"
#include "steady_state.hpp"
#include "stopwatch.hpp"

namespace lobule {

double OutputSchedule::time(long long k) const {
  return every > 0 ? std::min(end, double(k) * every) : end;
}

long long OutputSchedule::first_after(double t) const {
  long long k = every > 0 ? std::max(1LL, (long long)std::floor(t / every)) : 1;
  while (k > 1 && time(k - 1) > t) --k;
  while (time(k) <= t && time(k) < end) ++k;
  return k;
}

StepTo step_from(const Config& c, double t, double stop) {
  const double dt = c.time.dt;
  const double limit = c.model_impl ? c.model_impl->step_limit(t) : dt;
  const double h = std::min({dt, limit, stop - t});
  return {h, (stop - (t + h) <= 1e-9 * dt) ? stop : t + h};
}

long long count_steps(const Config& c, long long cap) {
  const OutputSchedule when{c.time.end, c.output.every};
  const std::vector<double> events =
      c.model_impl ? c.model_impl->event_times() : std::vector<double>{};
  std::size_t e = 0;
  double t = 0;
  long long n = 0;
  for (long long k = 1; t < when.end && n <= cap; ++k) {
    const double target = when.time(k);
    while (t < target && n <= cap) {
      while (e < events.size() && events[e] <= t) ++e;
      t = step_from(c, t, e < events.size() ? std::min(target, events[e]) : target).end;
      ++n;
    }
  }
  return n;
}

namespace {
// f(), its wall seconds added to `seconds` (for the member initializers of Stepper).
template <class F>
auto timed(double& seconds, F&& f) {
  Stopwatch watch;
  auto result = f();
  seconds += watch.lap();
  return result;
}
}  // namespace

template <class T>
Stepper<T>::Stepper(const Config& c, BackendChoice which, const StartOptions& start)
    : c_(c),
      g_(timed(setup_.geometry, [&] { return make_geometry(c); })),
      f_(timed(setup_.fields, [&] { return build_fields<T>(c, g_); })),
      backend_(timed(setup_.upload, [&] { return make_backend<T>(which); })) {
  if (c.model_impl && start.settle) {
    Stopwatch steady;
    settle_start(resolve_backend(which), start);
    setup_.steady = steady.lap();
  }
  Stopwatch watch;
  if (c.model_impl) {
    backend_->set_model(c.model_impl->kernels<T>(resolve_backend(which)));
    events_ = c.model_impl->event_times();
  }
  backend_->upload(f_);
  backend_->finish();
  setup_.upload += watch.lap();
}

// The model's steady start (the healthy liver), in double on the run's backend, then what the
// model lays on top of it (the septa of a cirrhotic start).
template <class T>
void Stepper<T>::settle_start(BackendChoice which, const StartOptions& start) {
  const Model& m = *c_.model_impl;
  const Model::SteadyStart wanted = m.steady_start();
  if (!wanted.wanted) return;
  HostFields<double> d = with_precision<double>(f_);
  const auto note = [&](const std::string& line) {
    if (start.note) start.note(line);
  };
  Stopwatch watch;
  // A state solved earlier for this lobule, parameters and build (host/sim/steady_cache.hpp).
  const SteadyCache cache = SteadyCache::from_environment();
  const std::string key = cache.enabled() ? SteadyCache::key(c_, which) : "";
  if (const std::string file = cache.load(key, d); !file.empty()) {
    note(
        fmt::format("{}: from the cache, {} (solved earlier for this lobule, its parameters and "
                    "this build; LOBULE_CACHE=off solves it again)",
                    wanted.what, file));
    finish_settled_start(d);
    return;
  }
  double last = -1;
  const SteadyProgress p = solve_steady_state(
      d, which, m.steady_kernels(which), wanted.pace, wanted.scale, SteadySettings{}, wanted.what,
      [&](const SteadyProgress& q) {
        const double now = watch.seconds();
        if (now - last < 2) return;  // a line every 2 s of wall time
        last = now;
        note(
            fmt::format("solving {}: {} pseudo-time steps, largest change {:.2g} ({}, per {:g} h "
                        "of tissue time; settled below {:.0e})",
                        wanted.what, q.steps, q.change, d.species[q.field].name,
                        SteadySettings{}.dt / 3600, SteadySettings{}.tolerance));
      });
  if (p.settled) {
    note(fmt::format("{}: settled in {} pseudo-time steps of {:g} h ({:.3g} s)", wanted.what,
                     p.steps, p.dt / 3600, watch.seconds()));
    if (const std::string why = cache.store(key, d); !why.empty())
      note(
          fmt::format("warning: the solved state was not kept in the cache {}: {}; the run goes "
                      "on (set LOBULE_CACHE to a writable folder, or to off)",
                      cache.folder(), why));
  } else
    note(fmt::format(
        "warning: {} did not settle within {} pseudo-time steps (largest relative "
        "change of a field in the last, per {:g} h of tissue time: {:.2g}, in {}); "
        "the run starts from the last state and will drift",
        wanted.what, p.steps, SteadySettings{}.dt / 3600, p.change, d.species[p.field].name));
  finish_settled_start(d);
}

// The settled state d, with what the model lays on top of it, becomes the run's start.
template <class T>
void Stepper<T>::finish_settled_start(const HostFields<double>& d) {
  std::vector<std::vector<double>> u = tissue_values(d);
  c_.model_impl->finish_start(c_, g_, u);
  set_tissue_values(f_, g_, u);
}

// Events at or before t_ not yet applied: the model adds to the host copy of the fields, and
// the fields it changed replace the backend's (a dose is rare: one download, one upload each).
template <class T>
void Stepper<T>::apply_due_events() {
  if (events_done_ >= events_.size() || events_[events_done_] > t_) return;
  fields();
  const Box& b = f_.box;
  std::vector<bool> changed(f_.species.size(), false);
  const FieldAdd add = [&](std::size_t q, std::size_t v, double a) {
    const int i = int(v % std::size_t(b.nx)), j = int(v / std::size_t(b.nx) % std::size_t(b.ny));
    const int k = int(v / (std::size_t(b.nx) * std::size_t(b.ny)));
    T& u = f_.species[q].u[b.idx(i, j, k)];
    u = T(double(u) + a);
    changed[q] = true;
  };
  while (events_done_ < events_.size() && events_[events_done_] <= t_) {
    c_.model_impl->apply_event(events_done_, g_, add);
    if (on_event_) on_event_(events_done_, events_.size(), t_);
    ++events_done_;
  }
  for (std::size_t s = 0; s < changed.size(); ++s)
    if (changed[s]) backend_->upload_field(s, f_.species[s].u.data());
}

template <class T>
void Stepper<T>::advance_to(double target, const std::function<void(double, long long)>& on_step) {
  while (t_ < target) {
    apply_due_events();
    // The step ends at the target or the next event, whichever comes first.
    const double stop =
        events_done_ < events_.size() ? std::min(target, events_[events_done_]) : target;
    const StepTo next = step_from(c_, t_, stop);
    backend_->step(t_, next.length);
    ++steps_;
    t_ = next.end;
    host_current_ = false;
    if (on_step) on_step(t_, steps_);
  }
}

template <class T>
const HostFields<T>& Stepper<T>::fields() {
  if (!host_current_) backend_->download(f_);
  host_current_ = true;
  return f_;
}

template <class T>
void Stepper<T>::check_state() {
  const HostFields<T>& f = fields();
  check_finite_non_negative(f, g_, t_, steps_);
  check_steps_non_negative(f, backend_->explicit_lowest(), c_.time.dt, t_, steps_);
}

template <class T>
void Stepper<T>::restore(HostFields<T> f, double t, long long steps, std::size_t events) {
  f_ = std::move(f);
  backend_->upload(f_);
  t_ = t;
  steps_ = steps;
  events_done_ = events;
  host_current_ = true;
}

template class Stepper<float>;
template class Stepper<double>;

}  // namespace lobule

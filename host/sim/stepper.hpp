/// Owns a run's state on its backend and advances it in time (no output).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backend.hpp"
#include "fields.hpp"
#include "geometry/geometry.hpp"
#include "host/config/config.hpp"

namespace lobule {

/// Output k (k ≥ 1) of a run is at min(end, k·every); with every = 0 there is one, at end.
struct OutputSchedule {
  double end, every;
  double time(long long k) const;
  /// The first k whose time lies after t: where a run continues from a checkpoint at t
  /// (all outputs up to t were written before it). Also right when output.every changed.
  long long first_after(double t) const;
};

/// One step from t towards `stop` (an output time or the next model event): its length
/// min(time.dt, the model's step limit at t, stop − t) [s], and the time it ends at, t + length or
/// exactly stop when within round-off of it, so that output and dose times do not drift.
struct StepTo {
  double length, end;
};
StepTo step_from(const Config& c, double t, double stop);

/// The steps a run of c takes from t = 0 to time.end with its outputs and model events (the
/// rule of Stepper::advance_to, without stepping); counting stops after `cap`.
long long count_steps(const Config& c, long long cap);

/// How a Stepper starts: whether it settles a model's steady start (Model::steady_start; not
/// when a restart replaces the fields anyway), and where its progress lines go.
struct StartOptions {
  bool settle = true;
  std::function<void(const std::string&)> note;
};

template <class T>
class Stepper {
 public:
  /// Builds the geometry and initial fields of c, settles the model's steady start on the
  /// backend `which` (cpu or cuda, already resolved) where it asks for one, and uploads them.
  Stepper(const Config& c, BackendChoice which, const StartOptions& start = {});

  /// Advances to tissue time `target` [s] in steps of at most time.dt (and the model's step
  /// limit), shortened so that the run lands exactly on target and on every model event time
  /// (a therapy dose); an event is applied before the step that starts at its time.
  /// on_step(t, steps) follows each step.
  void advance_to(double target, const std::function<void(double, long long)>& on_step = {});

  double time() const { return t_; }
  long long steps() const { return steps_; }
  const Geometry& geometry() const { return g_; }
  const char* backend_name() const { return backend_->name(); }
  /// The current fields, copied back from the backend.
  const HostFields<T>& fields();
  /// Called after model event k (of `of`) was applied at tissue time t (a log line per dose).
  void on_event(std::function<void(std::size_t k, std::size_t of, double t)> f) {
    on_event_ = std::move(f);
  }
  /// Model events (therapy doses) applied so far: what a checkpoint records.
  std::size_t events_done() const { return events_done_; }
  /// Replaces the state (restart): fields f (this run's box and species), tissue time t [s]
  /// after `steps` steps and `events` model events; uploads f to the backend.
  void restore(HostFields<T> f, double t, long long steps, std::size_t events);
  /// Throws NumericalError (naming species, voxel, time and step) when a field is NaN/Inf or
  /// below −10⁻⁶·max(1, max u) now, or when an explicit step since the start went that low,
  /// even if the value has turned positive again since (what an output alone would miss).
  void check_state();
  /// Bytes of the solver state on the backend (Backend::state_bytes).
  std::size_t state_bytes() const { return backend_->state_bytes(); }
  /// Waits for the backend's queued work (a GPU's kernels); at once on the CPU.
  void finish() { backend_->finish(); }
  /// Per species, what rkl2 added by setting negative undershoots to zero [conc·µm³].
  std::vector<double> clipped_mass() { return backend_->clipped_mass(); }
  /// Per species, what the implicit solves did since the last call (Backend::solver_tally).
  std::vector<SolverTally> solver_tally() { return backend_->solver_tally(); }

  /// Wall seconds of the constructor's parts: the geometry, the initial fields on the host, and
  /// the backend's set-up with their upload.
  struct SetupSeconds {
    double geometry = 0, fields = 0, steady = 0, upload = 0;
  };
  const SetupSeconds& setup_seconds() const { return setup_; }

 private:
  const Config& c_;
  SetupSeconds setup_;  // before g_ and f_: their initializers time themselves into it
  Geometry g_;
  HostFields<T> f_;
  std::unique_ptr<Backend<T>> backend_;
  void apply_due_events();
  void settle_start(BackendChoice which, const StartOptions& start);
  void finish_settled_start(const HostFields<double>& d);

  double t_ = 0;
  long long steps_ = 0;
  std::vector<double> events_;  ///< the model's event times [s], ascending
  std::size_t events_done_ = 0;
  std::function<void(std::size_t, std::size_t, double)> on_event_;
  bool host_current_ = true;
};

}  // namespace lobule

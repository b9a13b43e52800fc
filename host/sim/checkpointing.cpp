#include "checkpointing.hpp"

#include <filesystem>

#include <fmt/format.h>

#include <cmath>

#include "build_info.hpp"
#include "checkpoint_io.hpp"
#include "host/config/physics_text.hpp"
#include "host/errors.hpp"
#include "observables.hpp"
#include "run_signals.hpp"

namespace lobule {

template <class T>
Checkpointer<T>::Checkpointer(const Config& c, const std::string& out_dir, RunLog& log, double t0)
    : c_(c),
      store_(out_dir + "/checkpoints"),
      log_(log),
      physics_(physics_text(c)),
      physics_hash_(fnv1a64(physics_)),
      out_dir_(out_dir),
      last_wall_(std::chrono::steady_clock::now()) {
  store_.remove_temporaries();
  schedule_after(t0);
}

// next_time_ = the smallest m·every > t, m = 1, 2, ... (the tissue-time trigger).
template <class T>
void Checkpointer<T>::schedule_after(double t) {
  const double every = c_.checkpoint.every;
  if (!(every > 0)) return;
  double m = std::max(1.0, std::floor(t / every));
  while (m > 1 && (m - 1) * every > t) m -= 1;
  while (m * every <= t) m += 1;
  next_time_ = m * every;
}

template <class T>
void Checkpointer<T>::at_boundary(Stepper<T>& run, std::size_t outputs, bool output_due) {
  if (output_due) return;
  if (const int sig = SignalGuard::stop_requested()) {
    if (last_steps_ != run.steps()) write(run, outputs, signal_name(sig));
    throw Interrupted(
        fmt::format("stopped by {} at t = {} ({} s), step {}; checkpoint {}; "
                    "continue with: lobule run {} -o {} --restart latest",
                    signal_name(sig), human_time(run.time()), run.time(), run.steps(), last_file_,
                    shell_quote(c_.file), shell_quote(out_dir_)));
  }
  std::string why;
  if (SignalGuard::take_checkpoint_request()) why = "SIGUSR1";
  if (c_.checkpoint.every > 0 && run.time() >= next_time_) why = "checkpoint.every";
  if (c_.checkpoint.wall_every > 0 &&
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last_wall_).count() >=
          c_.checkpoint.wall_every)
    why = "checkpoint.wall_every";
  if (!why.empty() && last_steps_ != run.steps()) write(run, outputs, why);
}

template <class T>
void Checkpointer<T>::at_end(Stepper<T>& run, std::size_t outputs) {
  const bool enabled = c_.checkpoint.every > 0 || c_.checkpoint.wall_every > 0;
  if (enabled && last_steps_ != run.steps()) write(run, outputs, "end of run");
}

template <class T>
void Checkpointer<T>::started_from(const std::string& file, double t, long long steps) {
  last_file_ = file;
  last_time_ = t;
  last_steps_ = steps;
}

template <class T>
std::string Checkpointer<T>::last_good() const {
  if (last_file_.empty()) return "no checkpoint was written";
  return fmt::format("the last good checkpoint is {} (t = {}, step {})", last_file_,
                     human_time(last_time_), last_steps_);
}

template <class T>
std::string Checkpointer<T>::continue_hint() const {
  if (last_file_.empty()) return "no checkpoint was written: the run must start again";
  // Only claim what is still there (the output folder itself may be what vanished).
  std::error_code ec;
  if (!std::filesystem::is_regular_file(last_file_, ec))
    return fmt::format("the last checkpoint, {}, is gone too: the run must start again",
                       last_file_);
  return fmt::format(
      "{}; it is intact: fix the cause, then continue with: lobule run {} -o {} "
      "--restart latest",
      last_good(), shell_quote(c_.file), shell_quote(out_dir_));
}

template <class T>
void Checkpointer<T>::write(Stepper<T>& run, std::size_t outputs, const std::string& why) {
  if (before_write_) before_write_();
  const auto w0 = std::chrono::steady_clock::now();
  // Never save a bad state: the last good checkpoint must stay the newest one.
  run.check_state();
  const HostFields<T>& f = run.fields();
  CheckpointHeader h;
  h.spacing = run.geometry().spacing;
  h.time = run.time();
  h.steps = run.steps();
  h.events = std::uint32_t(run.events_done());
  h.outputs = outputs;
  h.physics = physics_;
  h.physics_hash = physics_hash_;
  h.writer = fmt::format("lobule {} ({})", LOBULE_VERSION, LOBULE_GIT);
  last_file_ = save_checkpoint(store_, h, f, c_.checkpoint.keep);
  last_time_ = run.time();
  last_steps_ = run.steps();
  last_wall_ = std::chrono::steady_clock::now();
  schedule_after(run.time());
  log_.info(fmt::format("checkpoint ({}) at t = {}, step {}: {} ({:.2g} s)", why,
                        human_time(run.time()), run.steps(), last_file_,
                        std::chrono::duration<double>(last_wall_ - w0).count()));
}

template class Checkpointer<float>;
template class Checkpointer<double>;

}  // namespace lobule

/// When a run writes checkpoints, and writing them: the triggers of `checkpoint:` in the
/// config (tissue time, wall time), the signals (SIGUSR1, SIGTERM, SIGINT), and the end.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "host/config/config.hpp"
#include "host/io/checkpoint_store.hpp"
#include "host/io/run_log.hpp"
#include "stepper.hpp"

namespace lobule {

template <class T>
class Checkpointer {
 public:
  /// out_dir: the run's output directory (checkpoints go to out_dir/checkpoints); the run
  /// starts (or restarts) at tissue time t0 [s].
  Checkpointer(const Config& c, const std::string& out_dir, RunLog& log, double t0);

  /// Called at every step boundary. Writes a checkpoint when one is due: checkpoint.every of
  /// tissue time or checkpoint.wall_every of wall time since the last one, a SIGUSR1, or a
  /// SIGTERM/SIGINT, after which it throws Interrupted. `outputs`: outputs written so far.
  /// output_due: an output at this time is still to be written; the checkpoint then waits
  /// for the call after it, so that a checkpoint always follows the outputs up to its time.
  void at_boundary(Stepper<T>& run, std::size_t outputs, bool output_due);

  /// At the end of the run: a last checkpoint when checkpoint.every or wall_every is set
  /// (it lets the run be continued to a later time.end).
  void at_end(Stepper<T>& run, std::size_t outputs);

  /// f() is called before each checkpoint is written: the outputs it counts must be on disk
  /// (OutputWriter::flush).
  void before_write(std::function<void()> f) { before_write_ = std::move(f); }

  /// Records the checkpoint a restarted run started from as the last good one.
  void started_from(const std::string& file, double t, long long steps);

  /// "the last good checkpoint is FILE (t = ...)" or "no checkpoint was written".
  std::string last_good() const;
  /// What to do after a failure: how to continue from the last good checkpoint.
  std::string continue_hint() const;

 private:
  void write(Stepper<T>& run, std::size_t outputs, const std::string& why);
  void schedule_after(double t);

  const Config& c_;
  CheckpointStore store_;
  RunLog& log_;
  std::string physics_;
  std::uint64_t physics_hash_ = 0;
  std::string out_dir_;
  double next_time_ = 0;  // next checkpoint.every multiple [s]
  std::chrono::steady_clock::time_point last_wall_;
  std::string last_file_;
  double last_time_ = 0;
  long long last_steps_ = -1;
  std::function<void()> before_write_;
};

}  // namespace lobule

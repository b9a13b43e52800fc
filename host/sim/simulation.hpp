/// Runs a scenario: set-up, time stepping, outputs; the heart of `lobule run`.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "host/config/config.hpp"

namespace lobule {

struct RunOptions {
  std::string out_dir;                   ///< empty: results/<name>
  std::optional<BackendChoice> backend;  ///< overrides the config's backend
  bool quiet = false;                    ///< plain log lines instead of a live progress line
  std::string restart;                   ///< "latest", a checkpoint file, or empty (new run)
  /// A branch: start from another run's state, RUN:TIME or a .ckpt/.vti (branch.hpp), with
  /// tissue time continuing; empty: start at t = 0.
  std::string from;
  /// Called at every step boundary with tissue time, time.end [s] and steps (the Python
  /// binding's progress callback); may throw to stop the run.
  std::function<void(double t, double end, long long steps)> progress;
  /// The command line that made the run (shell-quoted) or the Python call, for config.yaml.
  std::string command;
};

struct RunSummary {
  std::string out_dir;
  std::string backend;
  long long steps = 0;
  double t_end = 0;
  double wall_seconds = 0;
};

/// Runs the scenario to time.end and writes DIR/{config.yaml, fields.pvd, fields/,
/// timeseries.csv, log.txt, checkpoints/}; with opt.restart it continues from a checkpoint.
/// Throws ConfigError/InputError (2), IoError (3), NumericalError (4), Interrupted (130).
RunSummary run_simulation(const Config& c, const RunOptions& opt);

/// The output directory a run uses: opt.out_dir or results/<name>.
std::string output_dir(const Config& c, const RunOptions& opt);

}  // namespace lobule

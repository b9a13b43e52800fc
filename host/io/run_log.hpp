/// DIR/log.txt and the console: timestamped log lines and the progress line.
#pragma once
#include <chrono>
#include <cstdio>
#include <string>

namespace lobule {

/// Writes log lines to log.txt and to stderr; draws a live progress line on a terminal.
class RunLog {
 public:
  /// quiet: no live progress line (plain log lines only). Not a terminal implies quiet.
  /// append: continue an existing log.txt (restart) instead of starting a new one.
  RunLog(const std::string& path, bool quiet, bool append = false);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  void info(const std::string& line);
  /// A line for log.txt only (solver statistics at each output), not for the console.
  void detail(const std::string& line);
  /// Reports progress at tissue time t of end after `steps` steps; rate-limited.
  void progress(double t, double end, long long steps);
  /// The time loop starts at tissue time t0 after steps0 steps (a restart's, or 0): the rate
  /// and the ETA count the wall time from here, not the set-up before it (geometry, a healthy
  /// start solved for minutes) that the rest of the run does not repeat.
  void start_stepping(double t0, long long steps0);
  /// Wall seconds since start_stepping.
  double stepping_seconds() const;
  /// Ends a live progress line so that later output starts on a new line.
  void finish_progress();

 private:
  std::FILE* f_ = nullptr;
  bool live_ = false;
  bool line_open_ = false;
  std::chrono::steady_clock::time_point start_, last_, stepping_;
  int last_decile_ = 0;  // plain log lines at every 10%
  double t0_ = 0;        // tissue time and steps where this process started stepping
  long long steps0_ = 0;
};

/// "1.5 h", "3.2 d": a tissue or wall time in a readable unit.
std::string human_time(double seconds);

/// s as one word of a POSIX shell command line: as it is when only characters the shell takes
/// literally are in it, else in single quotes (a space, a newline, $, a quote: `'a'\''b'`).
std::string shell_quote(const std::string& s);

}  // namespace lobule

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
  RunLog(const std::string& path, bool quiet);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  void info(const std::string& line);
  /// Reports progress at tissue time t of end after `steps` steps; rate-limited.
  void progress(double t, double end, long long steps);
  /// Ends a live progress line so that later output starts on a new line.
  void finish_progress();

 private:
  std::FILE* f_ = nullptr;
  bool live_ = false;
  bool line_open_ = false;
  std::chrono::steady_clock::time_point start_, last_;
  int last_decile_ = 0;  // plain log lines at every 10%
};

/// "1.5 h", "3.2 d": a tissue or wall time in a readable unit.
std::string human_time(double seconds);

}  // namespace lobule

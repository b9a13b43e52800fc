#include "run_log.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>

namespace lobule {

std::string human_time(double s) {
  if (!std::isfinite(s)) return "?";
  if (s < 120) return fmt::format("{:.3g} s", s);
  if (s < 7200) return fmt::format("{:.3g} min", s / 60);
  if (s < 172800) return fmt::format("{:.3g} h", s / 3600);
  return fmt::format("{:.3g} d", s / 86400);
}

std::string shell_quote(const std::string& s) {
  const auto literal = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           (c != 0 && std::strchr("_-./+:,@%=", c) != nullptr);
  };
  if (!s.empty() && std::all_of(s.begin(), s.end(), literal) && s[0] != '=') return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

RunLog::RunLog(const std::string& path, bool quiet, bool append)
    : live_(!quiet && ::isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()),
      last_(start_),
      stepping_(start_) {
  if (!path.empty()) f_ = std::fopen(path.c_str(), append ? "a" : "w");
}

RunLog::~RunLog() {
  finish_progress();
  if (f_) std::fclose(f_);
}

void RunLog::info(const std::string& line) {
  finish_progress();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string text = fmt::format("[{:8.2f}s] {}\n", wall, line);
  std::fputs(text.c_str(), stderr);
  if (f_) {
    std::fputs(text.c_str(), f_);
    std::fflush(f_);
  }
}

void RunLog::detail(const std::string& line) {
  if (!f_) return;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fputs(fmt::format("[{:8.2f}s] {}\n", wall, line).c_str(), f_);
  std::fflush(f_);
}

void RunLog::start_stepping(double t0, long long steps0) {
  t0_ = t0;
  steps0_ = steps0;
  stepping_ = std::chrono::steady_clock::now();
}

double RunLog::stepping_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - stepping_).count();
}

void RunLog::progress(double t, double end, long long steps) {
  const auto now = std::chrono::steady_clock::now();
  const double wall = std::chrono::duration<double>(now - stepping_).count();
  const double fraction = end > 0 ? t / end : 1.0;
  // Rate and ETA from the stepping this process did (from t0_, steps0_ on a restart).
  const double done = end > t0_ ? (t - t0_) / (end - t0_) : 1.0;
  const double rate = wall > 0 ? double(steps - steps0_) / wall : 0.0;
  const double eta = done > 0 ? wall * (1 - done) / done : NAN;
  if (live_) {
    if (std::chrono::duration<double>(now - last_).count() < 0.2 && fraction < 1) return;
    last_ = now;
    std::fprintf(stderr, "\r  t = %-10s %5.1f%%  %8.3g steps/s  ETA %-10s", human_time(t).c_str(),
                 100 * fraction, rate, human_time(eta).c_str());
    std::fflush(stderr);
    line_open_ = true;
    return;
  }
  // Plain log lines at every 10% of the run.
  const int decile = int(std::floor(fraction * 10 + 1e-9));
  if (decile <= last_decile_) return;
  last_decile_ = decile;
  info(fmt::format("t = {} ({:.0f}%), {} steps, {:.3g} steps/s, ETA {}", human_time(t),
                   100 * fraction, steps, rate, human_time(eta)));
}

void RunLog::finish_progress() {
  if (line_open_) std::fputc('\n', stderr);
  line_open_ = false;
}

}  // namespace lobule

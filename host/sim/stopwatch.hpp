/// Wall seconds of a run's parts (steady clock): the log's closing line.
#pragma once
#include <chrono>

namespace lobule {

class Stopwatch {
 public:
  /// Seconds since the stopwatch was made or since the last lap; the next lap counts from now.
  double lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - since_).count();
    since_ = now;
    return s;
  }
  /// Seconds since the stopwatch was made or since the last lap, without starting a new lap.
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since_).count();
  }

 private:
  std::chrono::steady_clock::time_point since_ = std::chrono::steady_clock::now();
};

}  // namespace lobule

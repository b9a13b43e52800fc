/// DIR/timeseries.csv: one row per output time (time and per-field totals and means).
#pragma once
#include <cstdio>
#include <string>
#include <vector>

namespace lobule {

/// Appends rows to a CSV file, flushing each so a killed run keeps what it wrote.
class TimeseriesCsv {
 public:
  /// Creates (truncates) the file and writes the header.
  TimeseriesCsv(const std::string& path, const std::vector<std::string>& columns);
  ~TimeseriesCsv();
  TimeseriesCsv(const TimeseriesCsv&) = delete;
  TimeseriesCsv& operator=(const TimeseriesCsv&) = delete;

  /// Writes one row; values in column order. Throws IoError when the disk refuses.
  void append(const std::vector<double>& values);

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
  std::size_t columns_ = 0;
};

}  // namespace lobule

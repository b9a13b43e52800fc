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
  /// Continues an existing file (restart): keeps its header and its first `keep_rows`
  /// complete rows, rewrites it atomically, and appends after them; a missing file is
  /// started afresh. Throws InputError when the existing header differs from `columns`,
  /// IoError when the file cannot be rewritten (the old file is then left as it was).
  TimeseriesCsv(const std::string& path, const std::vector<std::string>& columns,
                std::size_t keep_rows);
  ~TimeseriesCsv();
  TimeseriesCsv(const TimeseriesCsv&) = delete;
  TimeseriesCsv& operator=(const TimeseriesCsv&) = delete;

  /// Writes one row; values in column order. Throws IoError when the disk refuses.
  void append(const std::vector<double>& values);

 private:
  void open_for_append();
  std::string path_;
  std::FILE* f_ = nullptr;
  std::size_t columns_ = 0;
};

}  // namespace lobule

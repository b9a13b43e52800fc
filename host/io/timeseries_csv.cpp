#include "timeseries_csv.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "atomic_file.hpp"
#include "host/errors.hpp"

namespace lobule {
namespace {

std::string header_line(const std::vector<std::string>& columns) {
  std::string header;
  for (const auto& c : columns) header += (header.empty() ? "" : ",") + c;
  return header + '\n';
}

}  // namespace

TimeseriesCsv::TimeseriesCsv(const std::string& path, const std::vector<std::string>& columns)
    : path_(path), columns_(columns.size()) {
  f_ = std::fopen(path.c_str(), "w");
  if (!f_) throw IoError(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  if (std::fputs(header_line(columns).c_str(), f_) < 0 || std::fflush(f_) != 0)
    throw IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
}

TimeseriesCsv::TimeseriesCsv(const std::string& path, const std::vector<std::string>& columns,
                             std::size_t keep_rows)
    : path_(path), columns_(columns.size()) {
  const std::string header = header_line(columns);
  std::string kept = header;
  std::ifstream in(path);
  if (!in && keep_rows > 0)
    throw InputError(fmt::format(
        "{} is missing: continuing would lose the {} rows written before the checkpoint; restore "
        "it, or run without --restart to start afresh",
        path, keep_rows));
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string old = ss.str();
    if (old.compare(0, header.size(), header) != 0)
      throw InputError(fmt::format(
          "{}: its columns differ from those this run writes; move it away to restart here", path));
    // Keep complete lines only: a row cut short by a full disk ends without a newline.
    std::size_t pos = header.size();
    for (std::size_t r = 0; r < keep_rows; ++r) {
      const auto nl = old.find('\n', pos);
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
    kept = old.substr(0, pos);
  }
  write_file_atomic(path, kept);
  open_for_append();
}

void TimeseriesCsv::open_for_append() {
  f_ = std::fopen(path_.c_str(), "a");
  if (!f_) throw IoError(fmt::format("cannot open {}: {}", path_, std::strerror(errno)));
}

TimeseriesCsv::~TimeseriesCsv() {
  if (f_) std::fclose(f_);
}

void TimeseriesCsv::append(const std::vector<double>& values) {
  std::string row;
  for (std::size_t i = 0; i < values.size(); ++i)
    row += fmt::format("{}{:.10g}", i ? "," : "", values[i]);
  row += '\n';
  if (std::fputs(row.c_str(), f_) < 0 || std::fflush(f_) != 0)
    throw IoError(fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
}

}  // namespace lobule

#include "timeseries_csv.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "host/errors.hpp"

namespace lobule {

TimeseriesCsv::TimeseriesCsv(const std::string& path, const std::vector<std::string>& columns)
    : path_(path), columns_(columns.size()) {
  f_ = std::fopen(path.c_str(), "w");
  if (!f_) throw IoError(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  std::string header;
  for (const auto& c : columns) header += (header.empty() ? "" : ",") + c;
  header += '\n';
  if (std::fputs(header.c_str(), f_) < 0 || std::fflush(f_) != 0)
    throw IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
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

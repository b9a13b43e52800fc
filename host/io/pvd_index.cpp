#include "pvd_index.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "atomic_file.hpp"
#include "host/errors.hpp"

namespace lobule {
namespace {

// Value of attribute `name` in one XML element's text, or "" when absent.
std::string attribute(const std::string& element, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const auto b = element.find(key);
  if (b == std::string::npos) return {};
  const auto e = element.find('"', b + key.size());
  return e == std::string::npos ? std::string()
                                : element.substr(b + key.size(), e - b - key.size());
}

}  // namespace

void PvdIndex::add(double time, const std::string& file) {
  entries_.push_back({time, file});
  write();
}

void PvdIndex::truncate_from(double time) {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const Entry& e) { return e.time >= time; }),
                 entries_.end());
}

void PvdIndex::load() {
  entries_.clear();
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return;
  std::ifstream in(path_);
  if (!in) throw IoError(fmt::format("cannot read {}: {}", path_, std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string xml = ss.str();
  // Our own format (write() below): one <DataSet timestep="T" ... file="F"/> per entry.
  for (auto p = xml.find("<DataSet"); p != std::string::npos; p = xml.find("<DataSet", p + 1)) {
    const auto end = xml.find('>', p);
    const std::string element = xml.substr(p, end == std::string::npos ? end : end - p);
    const std::string t = attribute(element, "timestep"), f = attribute(element, "file");
    if (t.empty() || f.empty()) continue;
    entries_.push_back({std::strtod(t.c_str(), nullptr), f});
  }
}

void PvdIndex::keep_first(std::size_t n) {
  if (entries_.size() > n) entries_.resize(n);
}

void PvdIndex::write() const {
  std::string xml =
      "<?xml version=\"1.0\"?>\n"
      "<VTKFile type=\"Collection\" version=\"1.0\" byte_order=\"LittleEndian\">\n"
      "  <Collection>\n";
  for (const auto& e : entries_)
    xml += fmt::format("    <DataSet timestep=\"{:.17g}\" group=\"\" part=\"0\" file=\"{}\"/>\n",
                       e.time, e.file);
  xml += "  </Collection>\n</VTKFile>\n";
  write_file_atomic(path_, xml);
}

}  // namespace lobule

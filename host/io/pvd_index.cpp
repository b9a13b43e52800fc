#include "pvd_index.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "atomic_file.hpp"

namespace lobule {

void PvdIndex::add(double time, const std::string& file) {
  entries_.push_back({time, file});
  write();
}

void PvdIndex::truncate_from(double time) {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const Entry& e) { return e.time >= time; }),
                 entries_.end());
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

#include <fmt/format.h>

#include <filesystem>

#include "commands.hpp"
#include "geometry/geometry.hpp"
#include "geometry/geometry_stats.hpp"
#include "host/io/atomic_file.hpp"
#include "host/io/vti_io.hpp"

namespace lobule {

int cmd_geometry(const CommonArgs& a, const std::string& out_file) {
  const Config c = load_config(a.config, a.set);
  print_warnings(c);
  const Geometry g = make_geometry(c);
  const auto parent = std::filesystem::path(out_file).parent_path().string();
  if (!parent.empty()) make_directories(parent);
  std::vector<CellArray> arrays{{"label", CellArray::Type::U8, g.label.data()}};
  if (!g.zone.empty()) arrays.push_back({"zone", CellArray::Type::F32, g.zone.data()});
  // Volume fractions: one array per tissue class, f_<label name> (f_sinusoid, ...).
  if (!g.fraction.empty())
    for (int l = 0; l < kFractionClasses; ++l)
      arrays.push_back({std::string("f_") + label_name(std::uint8_t(l)), CellArray::Type::F32,
                        g.fraction.data() + std::size_t(l) * g.voxels()});
  write_vti(out_file, g, 0.0, arrays, "zlib");
  fmt::print("geometry: {}\n", describe_geometry(c));
  print_label_fractions(g);
  fmt::print("geometry: {} voxels ({} x {} x {}) written to {}\n", g.voxels(), g.box.nx, g.box.ny,
             g.box.nz, out_file);
  return 0;
}

}  // namespace lobule

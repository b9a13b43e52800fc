/// A liver-model start written as an earlier run's output (`model.initial: { file: ... }`), so
/// that a test sets its start itself and no healthy state is solved.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "geometry/geometry.hpp"
#include "host/config/config.hpp"
#include "host/io/vti_io.hpp"
#include "host/model/liver_fibrosis.hpp"
#include "test_support.hpp"

namespace lobule::test {

/// Writes DIR/start.vti on the geometry of `scenario` (YAML text), value(field, voxel) in every
/// field (voxels in Geometry::at order); returns the model section's `initial:` line for it.
inline std::string liver_start(const TempDir& dir, const std::string& scenario,
                               const std::function<double(int, std::size_t)>& value) {
  const Geometry g = make_geometry(parse_config(scenario, "start.yaml"));
  const auto fields = LiverFibrosis().fields();
  std::vector<std::vector<double>> values(kLiverFields, std::vector<double>(g.voxels()));
  std::vector<CellArray> arrays;
  for (int q = 0; q < kLiverFields; ++q) {
    for (std::size_t v = 0; v < g.voxels(); ++v) values[std::size_t(q)][v] = value(q, v);
    arrays.push_back(
        {fields[std::size_t(q)].name, CellArray::Type::F64, values[std::size_t(q)].data()});
  }
  arrays.push_back({"label", CellArray::Type::U8, g.label.data()});  // as a run's outputs have
  write_vti(dir.path() + "/start.vti", g, 0.0, arrays, "none");
  return "  initial: { file: " + dir.path() + "/start.vti }\n";
}

}  // namespace lobule::test

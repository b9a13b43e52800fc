// The lobule scenarios end to end: lobule geometry, check and run on inputs/lobule_*.yaml.
#include <gtest/gtest.h>

#include <filesystem>

#include "geometry/geometry_stats.hpp"
#include "host/io/vti_io.hpp"
#include "support/geometry_support.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

TEST(LobuleScenarios, GeometryCommandWritesLabelsAndZone) {
  test::TempDir dir;
  const std::string cfg = test::source_path("inputs/lobule_F4_tiled.yaml");
  const auto r = test::run_lobule({"geometry", cfg, "-o", dir.path() + "/sub/g.vti"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("7 septum"), std::string::npos) << r.output;
  const Config c = load_config(cfg);
  const auto label = read_vti_cell_array(dir.path() + "/sub/g.vti", "label", c.cells);
  const auto zone = read_vti_cell_array(dir.path() + "/sub/g.vti", "zone", c.cells);
  const Geometry g = make_geometry(c);
  ASSERT_EQ(label.size(), g.voxels());
  for (std::size_t v = 0; v < g.voxels(); v += 97) {
    EXPECT_EQ(label[v], g.label[v]);
    EXPECT_FLOAT_EQ(float(zone[v]), g.zone[v]);
  }
}

TEST(LobuleScenarios, CheckPrintsVoxelCountAndLabelFractions) {
  const auto r = test::run_lobule({"check", test::source_path("inputs/lobule_F0.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* text : {"grid: 120 x 104 x 20 = 249600 voxels", "label fractions", "1 sinusoid",
                           "5 central_vein", "memory:", "kind: hex_lobule"})
    EXPECT_NE(r.output.find(text), std::string::npos) << text << "\n" << r.output;
}

// Diffusion runs on the lobule: masked (outside) voxels stay zero, tissue carries the species.
TEST(LobuleScenarios, RunOnALobuleEndToEnd) {
  for (const char* input : {"inputs/lobule_F0.yaml", "inputs/lobule_F4_tiled.yaml"}) {
    test::TempDir dir;
    const std::string cfg = test::source_path(input);
    const auto r = test::run_lobule(
        {"run", cfg, "-o", dir.path(), "-q", "--set", "time.end=2 s", "--set", "output.every=1 s"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string last = dir.path() + "/fields/000002.vti";
    ASSERT_TRUE(std::filesystem::exists(last)) << r.output;
    const Config c = load_config(cfg);
    const auto label = read_vti_cell_array(last, "label", c.cells);
    const auto zone = read_vti_cell_array(last, "zone", c.cells);
    const auto u = read_vti_cell_array(last, c.species[0].name, c.cells);
    double tissue = 0, outside = 0;
    for (std::size_t v = 0; v < label.size(); ++v)
      (label[v] == kOutside ? outside : tissue) += u[v];
    EXPECT_EQ(outside, 0.0) << input;
    EXPECT_GT(tissue, 0.0) << input;
    EXPECT_EQ(zone.size(), label.size());
    EXPECT_TRUE(std::filesystem::exists(dir.path() + "/timeseries.csv"));
  }
}

}  // namespace
}  // namespace lobule

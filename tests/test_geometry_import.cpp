// kind: file: a labelled .vti imported as the geometry (round trip, zone from labels, errors).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "geometry/geometry_stats.hpp"
#include "host/config/config_error.hpp"
#include "host/errors.hpp"
#include "host/io/vti_io.hpp"
#include "support/checkpoint_fixtures.hpp"
#include "support/geometry_support.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

using test::figure;

// A config in dir that imports `image`; `grid` is an optional grid line.
std::string import_config(const test::TempDir& dir, const std::string& image,
                          const std::string& grid = "", const std::string& array = "") {
  return dir.write("import.yaml", "name: imported\n" + grid + "geometry: { kind: file, path: " +
                                      image + (array.empty() ? "" : ", array: " + array) +
                                      " }\n"
                                      "species:\n"
                                      "  - { name: u, diffusivity: \"60 um^2/s\" }\n"
                                      "time: { end: \"1 s\", dt: auto }\n");
}

Geometry lobule_geometry(const char* stage = "F2") {
  return make_geometry(test::hex_config(
      "5 um", fmt::format("lobules: [2, 1], height: \"20 um\", fibrosis: {{stage: {}}}", stage)));
}

void write_image(const std::string& path, const Geometry& g, bool with_zone) {
  std::vector<CellArray> arrays{{"label", CellArray::Type::U8, g.label.data()}};
  if (with_zone) arrays.push_back({"zone", CellArray::Type::F32, g.zone.data()});
  write_vti(path, g, 0.0, arrays, "zlib");
}

TEST(ImportGeometry, RoundTripKeepsLabelsZoneSpacingAndOrigin) {
  test::TempDir dir;
  const Geometry g = lobule_geometry();
  write_image(dir.path() + "/lobule.vti", g, true);
  const Config c = load_config(import_config(dir, "lobule.vti"));  // relative to the config
  EXPECT_EQ(c.cells, (std::array<int, 3>{g.box.nx, g.box.ny, g.box.nz}));
  EXPECT_EQ(c.spacing, g.spacing);
  const Geometry back = make_geometry(c);
  EXPECT_EQ(back.label, g.label);
  EXPECT_EQ(back.zone, g.zone);
  for (int a = 0; a < 3; ++a) {
    EXPECT_DOUBLE_EQ(back.spacing[a], g.spacing[a]);
    EXPECT_NEAR(back.origin[a], g.origin[a], 1e-9);
  }
  // A grid.spacing that agrees with the file is accepted.
  EXPECT_NO_THROW(load_config(import_config(dir, "lobule.vti", "grid: { spacing: \"5 um\" }\n")));
}

TEST(ImportGeometry, ZoneIsComputedFromTheLabelsWhenTheFileHasNone) {
  test::TempDir dir;
  const Geometry g = lobule_geometry("F0");
  write_image(dir.path() + "/labels.vti", g, false);
  const Geometry back = make_geometry(load_config(import_config(dir, "labels.vti")));
  ASSERT_EQ(back.zone.size(), g.voxels());
  double diff = 0;
  std::size_t n = 0;
  for (std::size_t v = 0; v < g.voxels(); ++v) {
    if (g.label[v] == kOutside) continue;
    if (g.label[v] == kCentralVein) {
      EXPECT_FLOAT_EQ(back.zone[v], 1.0f);
    }
    if (g.label[v] == kPortalTract) {
      EXPECT_FLOAT_EQ(back.zone[v], 0.0f);
    }
    diff += std::abs(double(back.zone[v]) - double(g.zone[v]));
    ++n;
  }
  figure(fmt::format("zone from labels vs analytic zone: mean |difference| {:.4f}", diff / n));
  EXPECT_LT(diff / n, 0.01);
}

// The ConfigError key, or "" and the InputError text when make_geometry fails instead.
std::string import_error(const std::string& config) {
  try {
    make_geometry(load_config(config));
  } catch (const ConfigError& e) {
    return e.key();
  } catch (const InputError& e) {
    return std::string("input: ") + e.what();
  }
  return "";
}

TEST(ImportGeometry, BadFilesGiveClearErrors) {
  test::TempDir dir;
  const Geometry g = lobule_geometry();
  write_image(dir.path() + "/good.vti", g, true);
  EXPECT_EQ(import_error(import_config(dir, "missing.vti")), "geometry.path");
  dir.write("text.vti", "not an image\n");
  EXPECT_EQ(import_error(import_config(dir, "text.vti")), "geometry.path");
  EXPECT_EQ(import_error(import_config(dir, "good.vti", "", "labels")), "geometry.array");
  EXPECT_EQ(import_error(import_config(dir, "good.vti", "grid: { spacing: \"4 um\" }\n")),
            "grid.spacing");

  std::vector<float> as_float(g.label.begin(), g.label.end());
  write_vti(dir.path() + "/float.vti", g, 0, {{"label", CellArray::Type::F32, as_float.data()}},
            "none");
  EXPECT_NE(import_error(import_config(dir, "float.vti")).find("uint8"), std::string::npos);

  std::vector<std::uint8_t> bad = g.label;
  bad[g.at(3, 4, 1)] = 9;
  write_vti(dir.path() + "/nine.vti", g, 0, {{"label", CellArray::Type::U8, bad.data()}}, "none");
  EXPECT_NE(import_error(import_config(dir, "nine.vti")).find("label 9 at voxel (3, 4, 1)"),
            std::string::npos);

  std::vector<float> zone = g.zone;
  zone[5] = 1.5f;
  write_vti(
      dir.path() + "/zone.vti", g, 0,
      {{"label", CellArray::Type::U8, g.label.data()}, {"zone", CellArray::Type::F32, zone.data()}},
      "none");
  EXPECT_NE(import_error(import_config(dir, "zone.vti")).find("outside [0, 1]"), std::string::npos);
}

TEST(ImportGeometry, CommandLineRoundTrip) {
  test::TempDir dir;
  const auto made = test::run_lobule(
      {"geometry", test::source_path("inputs/lobule_F0.yaml"), "-o", dir.path() + "/f0.vti"});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const std::string cfg = import_config(dir, "f0.vti");
  const auto check = test::run_lobule({"check", cfg});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("1 sinusoid"), std::string::npos) << check.output;
  const auto again = test::run_lobule({"geometry", cfg, "-o", dir.path() + "/again.vti"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  const std::array<int, 3> n = load_config(cfg).cells;
  EXPECT_EQ(read_vti_cell_array(dir.path() + "/f0.vti", "label", n),
            read_vti_cell_array(dir.path() + "/again.vti", "label", n));
  EXPECT_EQ(read_vti_cell_array(dir.path() + "/f0.vti", "zone", n),
            read_vti_cell_array(dir.path() + "/again.vti", "zone", n));

  dir.write("nine.vti", "garbage");
  const auto bad = test::run_lobule({"check", import_config(dir, "nine.vti")});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("geometry.path"), std::string::npos) << bad.output;
}

// The geometry image rewritten under a restart (the same grid, other labels) is a change of the
// physics: the restart is refused naming the file's content, not run on the new labels.
TEST(ImportGeometry, AnImageRewrittenUnderARestartIsRefused) {
  test::TempDir dir;
  const Geometry f2 = lobule_geometry("F2");
  write_image(dir.path() + "/lobule.vti", f2, true);
  const std::string cfg =
      dir.write("import.yaml",
                "name: imported\ngeometry: { kind: file, path: lobule.vti }\n"
                "species:\n  - { name: u, diffusivity: \"60 um^2/s\", initial: { kind: uniform, "
                "value: 1 } }\n"
                "time: { end: \"2 s\", dt: \"0.5 s\", scheme: rkl2 }\noutput: { every: \"1 s\" }\n"
                "checkpoint: { every: \"1 s\" }\nbackend: cpu\n");
  const std::string out = dir.path() + "/out";
  ASSERT_EQ(test::run_lobule({"run", cfg, "-o", out, "-q", "--set", "time.end=1 s"}).exit_code, 0);
  write_image(dir.path() + "/lobule.vti", lobule_geometry("F4"), true);
  const auto r = test::run_lobule({"run", cfg, "-o", out, "-q", "--restart", "latest"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("geometry.content_crc32"), std::string::npos) << r.output;
  // The image as it was: the restart goes on.
  write_image(dir.path() + "/lobule.vti", f2, true);
  const auto ok = test::run_lobule({"run", cfg, "-o", out, "-q", "--restart", "latest"});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

// Paths are stored resolved to absolute ones (config.yaml, checkpoints): a run started from
// one working directory with relative paths restarts from another (it was refused as a physics
// change: the geometry path read differently).
TEST(ImportGeometry, ARestartFromAnotherWorkingDirectoryFindsTheSameFiles) {
  test::TempDir dir;
  fs::create_directories(dir.path() + "/a/sub");
  fs::create_directories(dir.path() + "/b");
  write_image(dir.path() + "/a/sub/lobule.vti", lobule_geometry("F0"), true);
  std::ofstream(dir.path() + "/a/sub/import.yaml")
      << "name: imported\ngeometry: { kind: file, path: lobule.vti }\n"
         "species:\n  - { name: u, diffusivity: \"60 um^2/s\", initial: { kind: uniform, value: 1 "
         "} }\n"
         "time: { end: \"2 s\", dt: \"0.5 s\", scheme: rkl2 }\noutput: { every: \"1 s\" }\n"
         "checkpoint: { every: \"1 s\" }\nbackend: cpu\n";
  const auto first = test::run_shell("cd " + test::shell_quote(dir.path() + "/a") + " && " +
                                     test::lobule_command() +
                                     " run sub/import.yaml -o out -q --set 'time.end=1 s'");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(test::slurp(dir.path() + "/a/out/config.yaml").find(dir.path() + "/a/sub/lobule.vti"),
            std::string::npos)
      << "config.yaml keeps the geometry path as given";
  const auto again = test::run_shell("cd " + test::shell_quote(dir.path() + "/b") + " && " +
                                     test::lobule_command() +
                                     " run ../a/sub/import.yaml -o ../a/out "
                                     "-q --restart latest");
  EXPECT_EQ(again.exit_code, 0) << again.output;
}

}  // namespace
}  // namespace lobule

// Input files are not trusted: an initial-values .vti that is truncated, lies about its grid,
// or holds NaN, negative or out-of-range values is refused by `check` and `run` alike, with
// exit code 2, the file and what is wrong, and none of VTK's own multi-line reports.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <utility>
#include <vector>

#include "host/errors.hpp"
#include "host/io/vti_io.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

constexpr int kNx = 8, kNy = 6, kNz = 4;

// A scenario on 8 × 6 × 4 voxels of `spacing` µm whose species u starts from `file`.
std::string scenario(const test::TempDir& dir, const std::string& file,
                     const std::string& precision = "float", double spacing = 5) {
  return dir.write(
      "s.yaml",
      fmt::format("name: from_file\n"
                  "grid: {{ spacing: \"{0} um\" }}\n"
                  "geometry: {{ kind: box, size: [\"{1} um\", \"{2} um\", \"{3} um\"] }}\n"
                  "species:\n"
                  "  - {{ name: u, diffusivity: \"10 um^2/s\", initial: {{ kind: file, "
                  "path: {4}, array: u }} }}\n"
                  "time: {{ end: \"1 s\", dt: auto }}\n"
                  "precision: {5}\n",
                  spacing, kNx * spacing, kNy * spacing, kNz * spacing, file, precision));
}

// Writes u = values (one per voxel, x fastest) on voxels of `spacing` µm.
std::string write_values(const test::TempDir& dir, const std::string& name,
                         std::vector<double> values, double spacing = 5,
                         const std::string& compression = "none") {
  Geometry g;
  g.box = whole_box(kNx, kNy, kNz);
  g.spacing = {spacing, spacing, spacing};
  g.label.assign(g.voxels(), 0);
  const std::string path = dir.path() + "/" + name;
  write_vti(path, g, 0, {{"u", CellArray::Type::F64, values.data()}}, compression);
  return path;
}

std::vector<double> ones() {
  return std::vector<double>(std::size_t(kNx) * kNy * kNz, 1.0);
}

// Both commands refuse with exit 2, naming the file and `what`, without VTK's reports.
void expect_refused(const std::string& cfg, const std::string& file, const std::string& what) {
  for (const char* cmd : {"check", "run"}) {
    std::vector<std::string> args = {cmd, cfg};
    if (std::string(cmd) == "run")
      args.insert(args.end(), {"-o", std::filesystem::path(cfg).parent_path().string() + "/out",
                               "--backend", "cpu"});
    const auto r = test::run_lobule(args);
    EXPECT_EQ(r.exit_code, 2) << cmd << ": " << r.output;
    EXPECT_NE(r.output.find(file), std::string::npos) << cmd << ": " << r.output;
    EXPECT_NE(r.output.find(what), std::string::npos) << cmd << ": " << r.output;
    EXPECT_EQ(r.output.find(".cxx, line"), std::string::npos) << cmd << ": " << r.output;
    EXPECT_EQ(r.output.find("valid"), std::string::npos) << cmd << ": " << r.output;
  }
}

TEST(InputFiles, AGoodFileIsAccepted) {
  test::TempDir dir;
  const auto file = write_values(dir, "good.vti", ones());
  const auto r = test::run_lobule({"check", scenario(dir, file)});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(InputFiles, NanNegativeAndOutOfRangeValuesAreRefused) {
  test::TempDir dir;
  auto v = ones();
  v[5 + kNx * 2] = std::numeric_limits<double>::quiet_NaN();
  expect_refused(scenario(dir, write_values(dir, "nan.vti", v)), "nan.vti",
                 "is nan at voxel (5, 2, 0)");
  v = ones();
  v[7] = -0.5;
  expect_refused(scenario(dir, write_values(dir, "negative.vti", v)), "negative.vti",
                 "is -0.5 at voxel (7, 0, 0)");
  v = ones();
  v[0] = 1e39;  // beyond float
  const auto big = write_values(dir, "big.vti", v);
  expect_refused(scenario(dir, big), "big.vti", "within float range");
  EXPECT_EQ(test::run_lobule({"check", scenario(dir, big, "double")}).exit_code, 0);
}

TEST(InputFiles, AFileOnAnotherGridIsRefused) {
  test::TempDir dir;
  const auto file = write_values(dir, "coarse.vti", ones(), 10);  // 10 µm voxels, same counts
  expect_refused(scenario(dir, file), "coarse.vti", "its voxels are 10 x 10 x 10 um");
}

// An extent that claims 4·10¹⁸ cells must be compared with the grid before anything is read or
// allocated (it was reported as "out of memory", exit 3).
TEST(InputFiles, AHugeLyingExtentIsAGridMismatchNotOutOfMemory) {
  test::TempDir dir;
  const auto good = write_values(dir, "good.vti", ones());
  std::ifstream in(good, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string from = fmt::format("0 {} 0 {} 0 {}", kNx, kNy, kNz),
                    to = "0 2000000000 0 2000000000 0 1";
  int replaced = 0;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at), ++replaced)
    text.replace(at, from.size(), to);
  ASSERT_EQ(replaced, 2) << "WholeExtent and the piece's Extent";
  const std::string file = dir.write("huge.vti", text);
  expect_refused(scenario(dir, file), "huge.vti",
                 "has 2000000000x2000000000x1 cells but the grid has 8x6x4");
}

// A path that exists but is no file is named as what it is, not "no such file".
TEST(InputFiles, ADirectoryOrADeviceIsNamedAsSuch) {
  test::TempDir dir;
  for (const auto& [path, what] : std::vector<std::pair<std::string, std::string>>{
           {dir.path(), "is a directory, not a file"},
           {"/dev/null", "is not a regular file"},
           {dir.path() + "/missing.vti", "no such file"}}) {
    const auto r = test::run_lobule({"check", scenario(dir, path)});
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(what), std::string::npos) << r.output;
  }
}

TEST(InputFiles, TruncatedFilesAreRefusedAtAnyLength) {
  test::TempDir dir;
  for (const char* compression : {"none", "zlib"}) {
    const auto good =
        write_values(dir, std::string("whole_") + compression + ".vti", ones(), 5, compression);
    std::ifstream in(good, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Cut anywhere, and 8 bytes short of the end of the data (a file that lost only its last
    // values and the closing tags). Losing just the closing tags leaves the data whole: VTK
    // reads such a file, and so do we.
    const std::size_t data_end = bytes.rfind("</AppendedData>");
    ASSERT_NE(data_end, std::string::npos);
    // Every length up to there, through the reader the runs use (one file per length).
    std::size_t refused = 0;
    const std::string part = dir.path() + "/part.vti";
    for (std::size_t keep = 0; keep <= data_end - 8; ++keep) {
      std::ofstream(part, std::ios::binary | std::ios::trunc) << bytes.substr(0, keep);
      try {
        read_vti_cell_array(part, "u", {kNx, kNy, kNz});
        ADD_FAILURE() << compression << ": a file cut to " << keep << " of " << bytes.size()
                      << " bytes was read";
      } catch (const InputError&) {
        ++refused;
      }
    }
    std::printf("[ measured ] %s: %zu cut lengths (0 .. %zu of %zu bytes) refused\n", compression,
                refused, data_end - 8, bytes.size());
    EXPECT_EQ(refused, data_end - 7);
    // And the commands at a few of them: exit 2, naming the file, without VTK's reports.
    for (std::size_t keep :
         {bytes.size() * 3 / 10, bytes.size() * 6 / 10, bytes.size() * 9 / 10, data_end - 8}) {
      const std::string cut = dir.path() + "/cut.vti";
      std::ofstream(cut, std::ios::binary) << bytes.substr(0, keep);
      const auto r = test::run_lobule({"check", scenario(dir, cut)});
      EXPECT_EQ(r.exit_code, 2) << compression << ", " << keep << " bytes: " << r.output;
      EXPECT_NE(r.output.find("cut.vti"), std::string::npos) << r.output;
      EXPECT_EQ(r.output.find(".cxx, line"), std::string::npos) << r.output;
    }
  }
}

}  // namespace
}  // namespace lobule

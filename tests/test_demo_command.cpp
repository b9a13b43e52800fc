// `lobule demo`, the README's first command: the production lobule's demo at 5 um on a GPU, the
// same scenario coarsened to 20 um (3-D, volume fractions) on a CPU, saying which it ran.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "support/test_support.hpp"

namespace lobule {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(DemoCommand, RunsTheProductionDemoCoarsenedOnACpuAndSaysSo) {
  const test::TempDir dir;
  const std::string out = dir.path() + "/demo";
  const auto r =
      test::run_lobule({"demo", "--backend", "cpu", "--inputs", test::source_path("inputs"), "-o",
                        out, "-q", "--set", "time.end=1 d"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("demo: no GPU: the production demo coarsened to 20 um"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("production/demo.yaml"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("results: " + out), std::string::npos) << r.output;
  const std::string cfg = read_file(out + "/config.yaml");
  EXPECT_NE(cfg.find("name: demo\n"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("spacing: [20 um, 20 um, 20 um]"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("height: 60 um"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("volume_fractions: true"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("stage: F4"), std::string::npos) << cfg;
}

// Asked for the GPU, it chooses the production lobule; without a GPU the run then refuses the
// backend as `lobule run --backend cuda` does (exit 2). On a GPU machine this would run the
// production lobule, which is not a unit test's size.
TEST(DemoCommand, ChoosesTheProductionLobuleForTheGpu) {
  if (test::have_gpu()) GTEST_SKIP() << "a GPU is present: the choice would run at 5 um";
  const test::TempDir dir;
  const auto r = test::run_lobule({"demo", "--backend", "cuda", "--inputs",
                                   test::source_path("inputs"), "-o", dir.path() + "/demo"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("demo: the production lobule (5 um voxels"), std::string::npos)
      << r.output;
}

TEST(DemoCommand, AMissingInputsFolderIsAnInputError) {
  const test::TempDir dir;
  const auto r = test::run_lobule(
      {"demo", "--backend", "cpu", "--inputs", dir.path() + "/nowhere", "-o", dir.path() + "/d"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("nowhere/production/demo.yaml: no such file"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("--inputs DIR"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace lobule

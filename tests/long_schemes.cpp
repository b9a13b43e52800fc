// Long runs of the time schemes (label `long`): the one-hour, four-species run on a 128³ box
// with dt = 60 s (inputs/hour_128.yaml) with rkl2.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "support/test_support.hpp"

namespace lobule {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void run_hour(const char* scheme) {
  test::TempDir dir;
  const auto r =
      test::run_lobule({"run", test::source_path("inputs/hour_128.yaml"), "-o", dir.path() + "/out",
                        "--quiet", "--set", std::string("time.scheme=") + scheme});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("done: 60 steps"), std::string::npos) << r.output;
  // One row per output (0, 15, 30, 45, 60 min) after the header.
  const std::string csv = read(dir.path() + "/out/timeseries.csv");
  std::size_t rows = 0;
  for (char c : csv) rows += c == '\n';
  EXPECT_EQ(rows, 6u) << csv;
  std::printf("%s\n", r.output.substr(r.output.rfind("done:")).c_str());
}

// The run's exit code, its step count and its rows only: what it computes is checked on small
// grids by the scheme tests.
TEST(HourOn128, Rkl2RunsItsSixtyStepsAndWritesEveryOutput) {
  run_hour("rkl2");
}

}  // namespace
}  // namespace lobule

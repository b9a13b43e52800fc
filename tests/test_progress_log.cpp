// What a run tells while it runs: a rate and an ETA from the stepping alone (not the set-up
// before it), the therapy doses as they are applied, and numbers in messages as written.
#include <gtest/gtest.h>

#include <regex>

#include "support/checkpoint_fixtures.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

double seconds_of(const std::string& value, const std::string& unit) {
  const double v = std::stod(value);
  if (unit == "min") return 60 * v;
  if (unit == "h") return 3600 * v;
  if (unit == "d") return 86400 * v;
  return v;
}

// The liver demo spends about as long solving its healthy start as stepping four weeks. The
// progress lines counted that set-up as stepping: steps/s far too low and an ETA several
// times the time left ("ETA 7.19 h" 22 s from the end of a production run). At 50 % of the
// stepping the ETA is the stepping time so far, and the rate is steps over that time.
TEST(Progress, RateAndEtaCountTheSteppingAlone) {
  test::single_threaded_runs();
  test::TempDir tmp;
  const std::string out = tmp.path() + "/demo";
  const auto r = test::run_lobule({"run", test::source_path("inputs/demo.yaml"), "-o", out, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string log = test::slurp(out + "/log.txt");
  std::smatch m;
  // Stepping starts with the line "time 0 s to 28 d with dt = ...".
  ASSERT_TRUE(std::regex_search(log, m, std::regex(R"(\[\s*([\d.]+)s\] time \S+ s to )"))) << log;
  const double start = std::stod(m[1]);
  ASSERT_TRUE(std::regex_search(
      log, m,
      std::regex(
          R"(\[\s*([\d.]+)s\] t = [^\n]*\(50%\), (\d+) steps, ([\d.e+]+) steps/s, ETA ([\d.e+]+) (s|min|h|d))")))
      << log;
  const double at = std::stod(m[1]);
  const double steps = std::stod(m[2]), rate = std::stod(m[3]);
  const double eta = seconds_of(m[4], m[5]);
  const double stepping = at - start;  // wall seconds of stepping to 50 %
  ASSERT_GT(stepping, 0.0) << log;
  EXPECT_NEAR(eta, stepping, 0.25 * stepping + 0.03) << log;
  EXPECT_NEAR(rate * stepping / steps, 1.0, 0.25) << log;
}

// Each therapy dose is a line of log.txt (and of the console) when it is applied.
TEST(Progress, DosesAreLoggedWhenApplied) {
  test::single_threaded_runs();
  test::TempDir tmp;
  const std::string out = tmp.path() + "/demo";
  const auto r =
      test::run_lobule({"run", test::source_path("inputs/demo.yaml"), "-o", out, "-q", "--set",
                        "time.end=3 d", "--set",
                        "model.therapy=[{agent: msc, dose: 5.0e5, at: 0 d, route: portal_vein}, "
                        "{agent: ev, dose: 1.0e10, at: 2 d, route: peripheral_iv}]"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string log = test::slurp(out + "/log.txt");
  EXPECT_TRUE(std::regex_search(
      log, std::regex(R"(\] dose 1 of 2 at t = 0 s: 5e\+05 MSCs via portal_vein)")))
      << log;
  EXPECT_TRUE(std::regex_search(
      log, std::regex(R"(\] dose 2 of 2 at t = 2 d: 1e\+10 EVs via peripheral_iv)")))
      << log;
  EXPECT_NE(r.output.find("dose 2 of 2"), std::string::npos) << r.output;
}

// A restart refused for a changed parameter names the values as written, not as the 17 digits
// of a double ("0.20000000000000001 in the checkpoint, 0.029999999999999999 in the config").
TEST(Progress, CheckpointMismatchesPrintShortestDecimals) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;
  s.end = "2 s";
  const std::string cfg = tmp.write("ck.yaml", s.yaml()), out = tmp.path() + "/out";
  ASSERT_EQ(test::run_lobule({"run", cfg, "-o", out, "-q"}).exit_code, 0);
  const auto r = test::run_lobule({"run", cfg, "-o", out, "-q", "--restart", "latest", "--set",
                                   "boundaries.x_min.dirichlet=0.03", "--set",
                                   "species[1].initial.value=0.07", "--set", "time.end=3 s"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("boundaries.x_min.dirichlet.alpha: 0.2 in the checkpoint, 0.03 in the "
                          "config"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("species[1].initial.value: 0.5 in the checkpoint, 0.07 in the config"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(std::regex_search(r.output, std::regex(R"(\d\.\d*(0000000|99999))"))) << r.output;
}

}  // namespace
}  // namespace lobule

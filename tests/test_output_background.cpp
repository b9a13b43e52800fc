// Outputs written by a thread of their own while the run goes on (output.background, on by
// default): the same files as the foreground writer, byte for byte, with checkpoints between
// outputs (each waits for the outputs it counts). The error and signal paths with background
// outputs are in test_checkpoint_faults.cpp and test_checkpoint_signals.cpp.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "support/checkpoint_fixtures.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

// Every file of a run's folder except its log, resolved config and lock (which carry the
// setting, times and process) and the checkpoints, relative path → contents.
std::map<std::string, std::string> run_files(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = fs::relative(e.path(), dir).string();
    if (rel == "log.txt" || rel == "config.yaml" || rel == ".lobule.lock" ||
        rel.rfind("checkpoints/", 0) == 0)
      continue;
    files[rel] = test::slurp(e.path().string());
  }
  return files;
}

// Sets LOBULE_OUTPUT_WRITERS for the runs of its lifetime, then restores what was there.
class WritersEnv {
 public:
  explicit WritersEnv(const char* value) {
    if (const char* v = std::getenv(kName)) before_ = v, had_ = true;
    setenv(kName, value, 1);
  }
  ~WritersEnv() {
    if (had_)
      setenv(kName, before_.c_str(), 1);
    else
      unsetenv(kName);
  }
  WritersEnv(const WritersEnv&) = delete;
  WritersEnv& operator=(const WritersEnv&) = delete;

 private:
  static constexpr const char* kName = "LOBULE_OUTPUT_WRITERS";
  std::string before_;
  bool had_ = false;
};

TEST(OutputBackground, WritesTheFilesOfTheForegroundWriter) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;  // 8 s, outputs every 0.5 s, checkpoints every 1.5 s
  std::map<std::string, std::map<std::string, std::string>> by_mode;
  // off; on with one writer thread; on with three (outputs in flight side by side, indexed in
  // order: the same .pvd and CSV).
  for (const char* mode : {"off", "on", "on3"}) {
    const std::string m = mode;
    s.background = m == "off" ? "off" : "on";
    const std::string cfg = tmp.write("ck_" + m + ".yaml", s.yaml());
    const std::string out = tmp.path() + "/" + m;
    const WritersEnv writers(m == "on3" ? "3" : "1");
    const auto r = test::run_lobule({"run", cfg, "-o", out, "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    by_mode[m] = run_files(out);
    const std::string log = test::slurp(out + "/log.txt");
    EXPECT_EQ(log.find("(written in the background)") != std::string::npos, m != "off") << log;
  }
  const auto& fg = by_mode["off"];
  EXPECT_EQ(fg.count("fields/000016.vti"), 1u);
  for (const char* mode : {"on", "on3"}) {
    const auto& bg = by_mode[mode];
    EXPECT_EQ(fg.size(), bg.size()) << mode;
    for (const auto& [name, bytes] : fg) {
      const auto it = bg.find(name);
      ASSERT_NE(it, bg.end()) << name << " is missing with background outputs (" << mode << ")";
      EXPECT_TRUE(it->second == bytes) << name << " differs (" << mode << ")";
    }
  }
}

TEST(OutputBackground, RefusesAWrongNumberOfWriters) {
  test::TempDir tmp;
  test::CkScenario s;
  s.background = "on";
  const std::string cfg = tmp.write("ck.yaml", s.yaml());
  const WritersEnv writers("many");
  const auto r = test::run_lobule({"run", cfg, "-o", tmp.path() + "/out", "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("LOBULE_OUTPUT_WRITERS=many"), std::string::npos) << r.output;
}

TEST(OutputBackground, TheSettingIsCheckedAndResolved) {
  test::TempDir tmp;
  test::CkScenario s;
  s.background = "sometimes";
  const auto r = test::run_lobule({"check", tmp.write("bad.yaml", s.yaml())});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("output.background"), std::string::npos) << r.output;
  s.background = "on";
  const auto ok = test::run_lobule({"check", tmp.write("ok.yaml", s.yaml())});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("background: on"), std::string::npos) << ok.output;
}

}  // namespace
}  // namespace lobule

// The cache of solved steady starts (host/sim/steady_cache.hpp), on every backend: a second
// start of the same lobule, parameters and build reads the first's state bit for bit; what
// the start does not see (injury, therapy, dt, precision) shares it, what it sees (blood,
// parameters, grid) does not; a damaged entry is solved again; LOBULE_CACHE=off writes nothing;
// the newest entries are kept.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "host/sim/build_fields.hpp"
#include "host/sim/steady_cache.hpp"
#include "host/sim/stepper.hpp"
#include "support/checkpoint_fixtures.hpp"
#include "support/each_backend.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

// LOBULE_CACHE set for the test's lifetime (CTest turns the cache off for every other test).
class CacheEnv {
 public:
  explicit CacheEnv(const std::string& value) {
    if (const char* e = std::getenv("LOBULE_CACHE")) old_ = e, had_ = true;
    ::setenv("LOBULE_CACHE", value.c_str(), 1);
  }
  ~CacheEnv() {
    if (had_)
      ::setenv("LOBULE_CACHE", old_.c_str(), 1);
    else
      ::unsetenv("LOBULE_CACHE");
  }

 private:
  std::string old_;
  bool had_ = false;
};

class SteadyCacheTest : public test::EachBackend {};

// One start of healthy.yaml (double, so that the state is the solver's own) with these --sets:
// its fields and the start-up lines.
struct Start {
  HostFields<double> fields;
  std::string notes;
};
Start start(BackendChoice which, std::vector<std::string> sets) {
  sets.push_back("precision=double");
  const Config c = load_config(test::source_path("inputs/healthy.yaml"), sets);
  Start s;
  StartOptions opt;
  opt.note = [&](const std::string& line) { s.notes += line + "\n"; };
  Stepper<double> run(c, which, opt);
  s.fields = run.fields();
  return s;
}

bool from_cache(const Start& s) {
  return s.notes.find("from the cache") != std::string::npos;
}

void expect_same_fields(const HostFields<double>& a, const HostFields<double>& b) {
  ASSERT_EQ(a.species.size(), b.species.size());
  for (std::size_t q = 0; q < a.species.size(); ++q)
    for (std::size_t v = 0; v < a.label.size(); ++v)
      if (is_tissue(a.label[v])) {
        ASSERT_EQ(a.species[q].u[v], b.species[q].u[v]) << a.species[q].name << " voxel " << v;
      }
}

TEST_P(SteadyCacheTest, ASecondStartReadsTheFirstsStateBitForBit) {
  test::TempDir tmp;
  const CacheEnv env(tmp.path() + "/cache");
  const Start a = start(GetParam(), {});
  EXPECT_FALSE(from_cache(a)) << a.notes;
  EXPECT_NE(a.notes.find("settled in"), std::string::npos) << a.notes;
  // Injury, therapy and the time step do not change the healthy state: the same entry.
  const Start b = start(GetParam(), {"time.dt=1 h",
                                     "model.injury=[{pattern: pericentral, "
                                     "rate: 0.3 1/d, from: 0 d, to: 28 d}]"});
  EXPECT_TRUE(from_cache(b)) << b.notes;
  expect_same_fields(a.fields, b.fields);
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(tmp.path() + "/cache"))
    entries += e.path().extension() == ".ckpt";
  EXPECT_EQ(entries, 1u);
}

TEST_P(SteadyCacheTest, WhatTheStartSeesMakesAnEntryOfItsOwn) {
  test::TempDir tmp;
  const CacheEnv env(tmp.path() + "/cache");
  const Start a = start(GetParam(), {});
  const Start b = start(GetParam(), {"model.blood.tgfb=0.03"});
  EXPECT_FALSE(from_cache(b)) << b.notes;
  const Start c = start(GetParam(), {"model.parameters.p_col=1.1 1/d"});
  EXPECT_FALSE(from_cache(c)) << c.notes;
  const Start d = start(GetParam(), {"model.blood.tgfb=0.03"});
  EXPECT_TRUE(from_cache(d)) << d.notes;
  expect_same_fields(b.fields, d.fields);
}

TEST_P(SteadyCacheTest, ADamagedEntryIsSolvedAgain) {
  test::TempDir tmp;
  const CacheEnv env(tmp.path() + "/cache");
  const Start a = start(GetParam(), {});
  std::string file;
  for (const auto& e : fs::directory_iterator(tmp.path() + "/cache")) file = e.path().string();
  ASSERT_FALSE(file.empty());
  {  // one flipped byte near the end: a field's data, caught by its CRC
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-16, std::ios::end);
    char c = 0;
    f.read(&c, 1);
    c = char(c ^ 0x5a);
    f.seekp(-16, std::ios::end);
    f.write(&c, 1);
  }
  const Start b = start(GetParam(), {});
  EXPECT_FALSE(from_cache(b)) << b.notes;
  EXPECT_NE(b.notes.find("settled in"), std::string::npos) << b.notes;
  expect_same_fields(a.fields, b.fields);
  const Start c = start(GetParam(), {});  // the entry was written anew
  EXPECT_TRUE(from_cache(c)) << c.notes;
}

TEST_P(SteadyCacheTest, OffWritesNothing) {
  test::TempDir tmp;
  const CacheEnv env("off");
  ::setenv("XDG_CACHE_HOME", (tmp.path() + "/xdg").c_str(), 1);
  const Start a = start(GetParam(), {});
  const Start b = start(GetParam(), {});
  ::unsetenv("XDG_CACHE_HOME");
  EXPECT_FALSE(from_cache(b)) << b.notes;
  EXPECT_FALSE(fs::exists(tmp.path() + "/xdg"));
}

LOBULE_EACH_BACKEND(SteadyCacheTest);

// Two runs that solve the same start side by side both end well and leave one intact entry,
// which a third run reads.
TEST(SteadyCache, TwoRunsStoringTheSameStartAtOnceLeaveOneIntactEntry) {
  test::TempDir tmp;
  const CacheEnv env(tmp.path() + "/cache");
  const std::string cfg = test::source_path("inputs/healthy.yaml");
  test::LobuleProcess a({"run", cfg, "-o", tmp.path() + "/a", "-q", "--set", "time.end=1 h"},
                        tmp.path() + "/a.log");
  test::LobuleProcess b({"run", cfg, "-o", tmp.path() + "/b", "-q", "--set", "time.end=1 h"},
                        tmp.path() + "/b.log");
  EXPECT_EQ(a.wait(), 0) << test::slurp(tmp.path() + "/a.log");
  EXPECT_EQ(b.wait(), 0) << test::slurp(tmp.path() + "/b.log");
  std::size_t entries = 0, parts = 0;
  for (const auto& e : fs::directory_iterator(tmp.path() + "/cache")) {
    entries += e.path().extension() == ".ckpt";
    parts += e.path().extension() == ".part" || e.path().extension() == ".tmp";
  }
  EXPECT_EQ(entries, 1u);
  EXPECT_EQ(parts, 0u);
  const auto c = test::run_lobule({"run", cfg, "-o", tmp.path() + "/c", "--set", "time.end=1 h"});
  EXPECT_EQ(c.exit_code, 0) << c.output;
  EXPECT_NE(c.output.find("from the cache"), std::string::npos) << c.output;
}

// A cache folder that cannot be made costs the run nothing but a warning saying what to do.
TEST(SteadyCache, AnUnusableCacheFolderIsAWarningOnly) {
  test::TempDir tmp;
  const std::string file = tmp.write("a_file", "not a folder");
  const CacheEnv env(file + "/cache");
  const auto r = test::run_lobule({"run", test::source_path("inputs/healthy.yaml"), "-o",
                                   tmp.path() + "/run", "--set", "time.end=1 h"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: the solved state was not kept in the cache " + file +
                          "/cache: cannot create directory"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("set LOBULE_CACHE to a writable folder, or to off"), std::string::npos)
      << r.output;
}

// `lobule check` says whether the start will be solved or read, and where.
TEST(SteadyCache, CheckSaysWhetherTheStartIsInTheCache) {
  test::TempDir tmp;
  const CacheEnv env(tmp.path() + "/cache");
  const std::string cfg = test::source_path("inputs/healthy.yaml");
  const auto before = test::run_lobule({"check", cfg});
  EXPECT_EQ(before.exit_code, 0) << before.output;
  EXPECT_NE(before.output.find("solved at start-up, then kept in " + tmp.path() + "/cache"),
            std::string::npos)
      << before.output;
  const auto run =
      test::run_lobule({"run", cfg, "-o", tmp.path() + "/run", "-q", "--set", "time.end=1 h"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto after = test::run_lobule({"check", cfg});
  EXPECT_NE(after.output.find("in the cache, " + tmp.path() + "/cache/steady_"), std::string::npos)
      << after.output;
  const CacheEnv off("off");
  const auto none = test::run_lobule({"check", cfg});
  EXPECT_NE(none.output.find("solved at start-up (the cache is off)"), std::string::npos)
      << none.output;
}

// The newest kKeep entries stay (a sweep over parameters makes one per arm), and parts that a
// killed run left behind go after an hour.
TEST(SteadyCache, KeepsTheNewestEntries) {
  test::TempDir tmp;
  const SteadyCache cache(tmp.path() + "/cache");
  const Config c = load_config(test::source_path("inputs/pulse.yaml"),
                               {"grid.spacing=40 um", "precision=double"});
  const HostFields<double> f = build_fields<double>(c, make_geometry(c));
  // What runs killed while storing left behind: an old part goes, a fresh one (a run storing
  // now) stays.
  fs::create_directories(tmp.path() + "/cache");
  const std::string old_part = tmp.path() + "/cache/steady_0000000000000001.ckpt.7.part";
  const std::string new_part = tmp.path() + "/cache/steady_0000000000000002.ckpt.8.part";
  std::ofstream(old_part) << "x";
  std::ofstream(new_part) << "x";
  fs::last_write_time(old_part, fs::file_time_type::clock::now() - std::chrono::hours(2));
  const int n = SteadyCache::kKeep + 3;
  const auto now = fs::file_time_type::clock::now();
  for (int i = 0; i < n; ++i) {  // entry i written i seconds after entry 0
    const std::string key = "key " + std::to_string(i);
    ASSERT_EQ(cache.store(key, f), "");
    fs::last_write_time(cache.file_for(key), now - std::chrono::seconds(n - i));
  }
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(tmp.path() + "/cache"))
    entries += e.path().extension() == ".ckpt";
  EXPECT_EQ(entries, std::size_t(SteadyCache::kKeep));
  EXPECT_FALSE(fs::exists(cache.file_for("key 0")));
  EXPECT_FALSE(fs::exists(old_part));
  EXPECT_TRUE(fs::exists(new_part));
  EXPECT_TRUE(fs::exists(cache.file_for("key " + std::to_string(n - 1))));
  HostFields<double> g = f;
  EXPECT_EQ(cache.load("key " + std::to_string(n - 1), g),
            cache.file_for("key " + std::to_string(n - 1)));
  EXPECT_EQ(cache.load("key that was never stored", g), "");
}

}  // namespace
}  // namespace lobule

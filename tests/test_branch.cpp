// Branches (`lobule run ARM.yaml --from RUN:TIME`): an arm started from a run's state at a
// checkpoint or an output continues tissue time and equals the uninterrupted run from there on,
// bit for bit; a therapy arm branched from an untreated run equals the treated run from the
// branch on; a branch that cannot be exact is refused with a message that says why.
#include <gtest/gtest.h>

#include <filesystem>

#include "host/config/config.hpp"
#include "host/errors.hpp"
#include "host/io/checkpoint_format.hpp"
#include "host/io/checkpoint_store.hpp"
#include "host/sim/simulation.hpp"
#include "support/checkpoint_fixtures.hpp"
#include "support/liver_scenarios.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

RunSummary run(const std::string& yaml, const std::string& dir, const std::string& from = "",
               const std::vector<std::string>& set = {}) {
  test::single_threaded_runs();
  const Config c = parse_config(yaml, dir + ".yaml", set);
  RunOptions opt;
  opt.out_dir = dir;
  opt.quiet = true;
  opt.from = from;
  return run_simulation(c, opt);
}

// The rows of `whole` from time t0 on equal the rows of `arm`, bit for bit (the CSV's text).
void expect_rows_from(const std::string& whole, const std::string& arm, double t0) {
  const auto w = test::csv_rows(whole + "/timeseries.csv");
  const auto a = test::csv_rows(arm + "/timeseries.csv");
  std::vector<std::vector<double>> tail;
  for (const auto& r : w)
    if (r[0] >= t0) tail.push_back(r);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a.front()[0], t0) << "the arm's first row is the branch time";
  ASSERT_EQ(tail.size(), a.size());
  for (std::size_t r = 0; r < a.size(); ++r) EXPECT_EQ(tail[r], a[r]) << "row " << r;
}

// The last checkpoints of two runs: the same time and field bits.
void expect_same_final_state(const std::string& a, const std::string& b) {
  CheckpointHeader ha, hb;
  const std::string da = test::checkpoint_data(CheckpointStore(a + "/checkpoints").latest(), &ha);
  const std::string db = test::checkpoint_data(CheckpointStore(b + "/checkpoints").latest(), &hb);
  EXPECT_EQ(ha.time, hb.time);
  EXPECT_TRUE(da == db) << "the branch's fields differ from the uninterrupted run's";
}

std::string error_of(const std::string& yaml, const std::string& dir, const std::string& from) {
  try {
    run(yaml, dir, from);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(Branch, FromACheckpointOrAnOutputEqualsTheUninterruptedRun) {
  test::TempDir tmp;
  test::CkScenario s;  // outputs every 0.5 s, checkpoints every 1.5 s (10 kept), to 8 s
  const std::string base = tmp.path() + "/base";
  run(s.yaml(), base);
  // 3 s: a checkpoint (and an output); 2.5 s: an output only.
  for (const char* at : {"3s", "2.5s"}) {
    SCOPED_TRACE(at);
    const std::string arm = tmp.path() + "/arm" + at;
    const RunSummary r = run(s.yaml(), arm, base + ":" + at);
    EXPECT_EQ(r.t_end, 8.0);
    expect_rows_from(base, arm, std::string(at) == "3s" ? 3.0 : 2.5);
    expect_same_final_state(base, arm);
    const auto pvd = test::pvd_entries(arm + "/fields.pvd");
    ASSERT_FALSE(pvd.empty());
    EXPECT_EQ(pvd.front().first, std::string(at) == "3s" ? 3.0 : 2.5);
  }
  // A .ckpt file and a .vti file name the state directly.
  const std::string ckpt = CheckpointStore(base + "/checkpoints").list().back();  // the oldest
  CheckpointHeader h;
  test::checkpoint_data(ckpt, &h);
  run(s.yaml(), tmp.path() + "/arm_ckpt", ckpt);
  expect_rows_from(base, tmp.path() + "/arm_ckpt", h.time);
  run(s.yaml(), tmp.path() + "/arm_vti", base + "/fields/000004.vti");  // t = 2 s
  expect_rows_from(base, tmp.path() + "/arm_vti", 2.0);
}

TEST(Branch, RefusesAStateItCannotContinueExactly) {
  test::TempDir tmp;
  test::CkScenario s;
  const std::string base = tmp.path() + "/base";
  run(s.yaml(), base);
  const auto has = [](const std::string& e, const std::string& what) {
    return e.find(what) != std::string::npos;
  };
  // No state at that time: the message lists the nearest outputs and checkpoints.
  std::string e = error_of(s.yaml(), tmp.path() + "/a", base + ":2.7s");
  EXPECT_TRUE(has(e, "holds no state at t = 2.7 s") && has(e, "2.5 s") && has(e, "3 s")) << e;
  e = error_of(s.yaml(), tmp.path() + "/a", base + ":3");
  EXPECT_TRUE(has(e, "not a tissue time with a unit")) << e;
  e = error_of(s.yaml(), tmp.path() + "/a", tmp.path() + "/nowhere:3s");
  EXPECT_TRUE(has(e, "not a run directory")) << e;
  e = error_of(s.yaml(), tmp.path() + "/a", "nocolon");
  EXPECT_TRUE(has(e, "expected RUN:TIME")) << e;
  // Another grid: refused for a checkpoint and for an output.
  test::CkScenario fine = s;
  fine.spacing = "10 um";
  e = error_of(fine.yaml(), tmp.path() + "/a", base + ":3s");
  EXPECT_TRUE(has(e, "grid")) << e;
  e = error_of(fine.yaml(), tmp.path() + "/a", base + ":2.5s");
  EXPECT_FALSE(e.empty());
  // The arm's directory is the source's: a fresh run would clear the state it reads.
  e = error_of(s.yaml(), base, base + ":3s");
  EXPECT_TRUE(has(e, base)) << e;
  EXPECT_TRUE(fs::exists(base + "/fields/000006.vti"));
  // --from and --restart together.
  const Config c = parse_config(s.yaml(), "s.yaml", {});
  RunOptions opt;
  opt.out_dir = tmp.path() + "/b";
  opt.from = base + ":3s";
  opt.restart = "latest";
  try {
    run_simulation(c, opt);
    ADD_FAILURE() << "--from with --restart ran";
  } catch (const InputError& x) {
    EXPECT_TRUE(has(x.what(), "give one of them")) << x.what();
  }
}

// A state belongs to its lobule: an arm on another geometry of the same grid is refused, and an
// output without every field is refused before the arm's folder is touched.
TEST(Branch, RefusesAnotherGeometryAndAPartialOutputBeforeTouchingTheArm) {
  test::TempDir tmp;
  const auto lobule = [](const std::string& stage, const std::string& fields) {
    return R"(name: hex
grid: { spacing: "10 um" }
geometry:
  kind: hex_lobule
  radius: "150 um"
  height: "20 um"
  central_vein_radius: "20 um"
  portal: { vein_radius: "15 um", artery_radius: "5 um", duct_radius: "5 um", tract_radius: "30 um" }
  sinusoids: { allow_coarse: true, plate_thickness: "30 um" }
  fibrosis: { stage: )" +
           stage + R"(, septum_width: "20 um", seed: 1 }
species:
  - { name: a, diffusivity: "20 um^2/s", half_life: "30 s", initial: { kind: uniform, value: 1 } }
  - { name: b, diffusivity: "5 um^2/s", initial: { kind: uniform, value: 0.5 } }
time: { end: "2 s", dt: "0.1 s" }
output: { every: "1 s", fields: )" +
           fields + R"( }
checkpoint: { every: "1 s", keep: 10 }
backend: cpu
)";
  };
  run(lobule("F0", "all"), tmp.path() + "/f0");
  std::string e = error_of(lobule("F4", "all"), tmp.path() + "/f4", tmp.path() + "/f0:1s");
  EXPECT_NE(e.find("another geometry"), std::string::npos) << e;
  EXPECT_NE(e.find("fibrosis"), std::string::npos) << e;
  // The same from an output (no checkpoint at 1 s in this source).
  run(lobule("F0", "all"), tmp.path() + "/f0_outputs", "", {"checkpoint.every=0 s"});
  e = error_of(lobule("F4", "all"), tmp.path() + "/f4", tmp.path() + "/f0_outputs:1s");
  EXPECT_NE(e.find("another geometry"), std::string::npos) << e;
  // An output of field a alone: refused, and an earlier run in the arm's folder is left whole.
  run(lobule("F0", "[a]"), tmp.path() + "/partial", "", {"checkpoint.every=0 s"});
  const std::string arm = tmp.path() + "/arm";
  run(lobule("F0", "all"), arm);
  const auto before = test::csv_rows(arm + "/timeseries.csv");
  e = error_of(lobule("F0", "all"), arm, tmp.path() + "/partial:1s");
  EXPECT_NE(e.find("needs every field"), std::string::npos) << e;
  EXPECT_EQ(test::csv_rows(arm + "/timeseries.csv"), before);
  EXPECT_TRUE(fs::exists(arm + "/fields/000002.vti"));
}

// The liver model: a therapy arm branched from the untreated run at the dose time equals the
// treated run from there on; an arm with a dose before the branch is refused.
TEST(Branch, TherapyArmFromTheUntreatedRunEqualsTheTreatedRun) {
  test::TempDir tmp;
  const std::string time = R"({ end: "2 d", dt: "1 h", scheme: rkl2 }
output: { every: "6 h" }
checkpoint: { every: "12 h", keep: 10 })";
  const std::string untreated = test::lobule_scenario("  initial: healthy", time);
  const std::string dose = R"(  initial: healthy
  therapy:
    - { agent: msc, dose: 5e5, at: "1 d", route: portal_vein }
    - { agent: ev, dose: 1e10, at: "36 h", route: portal_vein })";
  const std::string treated = test::lobule_scenario(dose, time);
  run(untreated, tmp.path() + "/untreated");
  run(treated, tmp.path() + "/treated");
  for (const char* at : {"1d", "18h"}) {  // a checkpoint and an output (before the dose)
    SCOPED_TRACE(at);
    const std::string arm = tmp.path() + "/arm" + at;
    run(treated, arm, tmp.path() + "/untreated:" + at);
    expect_rows_from(tmp.path() + "/treated", arm, std::string(at) == "1d" ? 86400.0 : 64800.0);
    expect_same_final_state(tmp.path() + "/treated", arm);
  }
  // The untreated state at 36 h lacks the treated arm's first dose (at 1 d).
  for (const char* at : {"36h", "30h"}) {  // a checkpoint, an output
    SCOPED_TRACE(at);
    const std::string e = error_of(treated, tmp.path() + "/bad", tmp.path() + "/untreated:" + at);
    EXPECT_NE(e.find("an arm may change the future only"), std::string::npos) << e;
  }
}

// An arm may change the injury after the branch, not the injury its state went through.
TEST(Branch, RefusesAnotherInjuryBeforeTheBranch) {
  test::TempDir tmp;
  const std::string time = R"({ end: "2 d", dt: "1 h", scheme: rkl2 }
output: { every: "6 h" }
checkpoint: { every: "12 h", keep: 10 })";
  const auto with_injury = [&](const std::string& to) {
    return test::lobule_scenario(
        "  initial: healthy\n  injury:\n    - { pattern: pericentral, rate: \"0.3 1/d\", from: "
        "\"0 d\", to: \"" +
            to + "\" }",
        time);
  };
  const std::string base = tmp.path() + "/base";
  run(with_injury("2 d"), base);
  // The injury stops at day 1 instead of day 2: the same past up to 18 h (an output) and 24 h
  // (a checkpoint), another past at 36 h.
  run(with_injury("1 d"), tmp.path() + "/early", base + ":18h");
  run(with_injury("1 d"), tmp.path() + "/at", base + ":1d");
  for (const char* at : {"36h", "30h"}) {  // a checkpoint, an output
    SCOPED_TRACE(at);
    const std::string e = error_of(with_injury("1 d"), tmp.path() + "/late", base + ":" + at);
    EXPECT_NE(e.find("went through another injury"), std::string::npos) << e;
  }
}

}  // namespace
}  // namespace lobule

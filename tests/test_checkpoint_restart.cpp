// Restart: a run continued from a checkpoint ends bit-identical to an uninterrupted run,
// with the same fields.pvd and timeseries.csv; mismatching checkpoints are refused.
#include <gtest/gtest.h>

#include <filesystem>

#include "host/config/config.hpp"
#include "host/io/checkpoint_store.hpp"
#include "host/sim/simulation.hpp"
#include "support/checkpoint_fixtures.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

RunSummary run(const test::CkScenario& s, const std::string& dir, const std::string& restart = "",
               std::vector<std::string> set = {}) {
  test::single_threaded_runs();
  const Config c = parse_config(s.yaml(), dir + ".yaml", set);
  RunOptions opt;
  opt.out_dir = dir;
  opt.quiet = true;
  opt.restart = restart;
  return run_simulation(c, opt);
}

// Same output rows: times exact, observables to round-off of the (parallel) sums.
void expect_same_outputs(const std::string& a, const std::string& b) {
  EXPECT_EQ(test::pvd_entries(a + "/fields.pvd"), test::pvd_entries(b + "/fields.pvd"));
  const auto ra = test::csv_rows(a + "/timeseries.csv"), rb = test::csv_rows(b + "/timeseries.csv");
  ASSERT_EQ(ra.size(), rb.size());
  for (std::size_t r = 0; r < ra.size(); ++r) {
    ASSERT_EQ(ra[r].size(), rb[r].size());
    EXPECT_EQ(ra[r][0], rb[r][0]) << "row " << r;
    for (std::size_t col = 1; col < ra[r].size(); ++col)
      EXPECT_NEAR(ra[r][col], rb[r][col], 1e-12 * std::abs(ra[r][col]) + 1e-300) << "row " << r;
  }
}

// The final state of two runs: the same time, step count and field bits.
void expect_same_final_state(const std::string& a, const std::string& b) {
  CheckpointHeader ha, hb;
  const std::string da = test::checkpoint_data(CheckpointStore(a + "/checkpoints").latest(), &ha);
  const std::string db = test::checkpoint_data(CheckpointStore(b + "/checkpoints").latest(), &hb);
  EXPECT_EQ(ha.time, hb.time);
  EXPECT_EQ(ha.steps, hb.steps);
  EXPECT_EQ(ha.outputs, hb.outputs);
  EXPECT_TRUE(da == db) << "the restarted run's fields differ from the uninterrupted run's";
}

class BitExactRestart : public ::testing::TestWithParam<std::string> {};

TEST_P(BitExactRestart, RunToTEqualsRunToHalfTAndRestart) {
  test::TempDir tmp;
  test::CkScenario s;
  s.precision = GetParam();
  const std::string whole = tmp.path() + "/whole", split = tmp.path() + "/split";
  run(s, whole);
  test::CkScenario half = s;
  half.end = "4 s";
  const RunSummary first = run(half, split);
  EXPECT_EQ(first.t_end, 4.0);
  const RunSummary second = run(s, split, "latest");
  EXPECT_EQ(second.t_end, 8.0);
  // From the checkpoint at the end of the first run (t = 4 s, step 200): 200 more steps.
  EXPECT_TRUE(test::restarted(test::slurp(split + "/log.txt"),
                              CheckpointStore(split + "/checkpoints").file_for(200), 4.0, 200,
                              200));
  expect_same_final_state(whole, split);
  expect_same_outputs(whole, split);
  EXPECT_EQ(test::pvd_entries(split + "/fields.pvd").size(), 17u);  // t = 0, 0.5, ..., 8
}

INSTANTIATE_TEST_SUITE_P(Precisions, BitExactRestart, ::testing::Values("float", "double"));

TEST(Restart, AHexLobuleWithVesselsAndPeriodicFacesContinuesBitExact) {
  test::single_threaded_runs();
  test::TempDir tmp;
  const auto run_lobule_f0 = [&](const std::string& dir, const char* end,
                                 const std::string& restart) {
    RunOptions opt;
    opt.out_dir = dir;
    opt.quiet = true;
    opt.restart = restart;
    opt.backend = BackendChoice::Cpu;
    run_simulation(
        load_config(test::source_path("inputs/lobule_F0.yaml"),
                    {std::string("time.end=") + end, "output.every=1", "checkpoint.every=2"}),
        opt);
  };
  const std::string whole = tmp.path() + "/whole", split = tmp.path() + "/split";
  run_lobule_f0(whole, "4", "");
  run_lobule_f0(split, "2", "");
  CheckpointHeader at2, at4;
  const std::string file2 = CheckpointStore(split + "/checkpoints").latest();
  test::checkpoint_data(file2, &at2);
  test::checkpoint_data(CheckpointStore(whole + "/checkpoints").latest(), &at4);
  run_lobule_f0(split, "4", "latest");
  EXPECT_TRUE(test::restarted(test::slurp(split + "/log.txt"), file2, 2.0, at2.steps,
                              at4.steps - at2.steps));
  expect_same_final_state(whole, split);
  expect_same_outputs(whole, split);
}

TEST(Restart, FromAnEarlierCheckpointBetweenOutputsDropsTheLaterRows) {
  test::TempDir tmp;
  test::CkScenario s;
  s.output_every = "0.75 s";  // outputs and checkpoints (every 1.5 s) on different steps
  s.checkpoint_every = "1.3 s";
  const std::string whole = tmp.path() + "/whole", again = tmp.path() + "/again";
  run(s, whole);
  fs::copy(whole, again, fs::copy_options::recursive);
  const auto files = CheckpointStore(again + "/checkpoints").list();
  ASSERT_GE(files.size(), 3u);
  const std::string early = files[files.size() - 2];  // the second checkpoint, t ≈ 2.6 s
  CheckpointHeader h;
  test::checkpoint_data(early, &h);
  EXPECT_GT(h.time, 2.6 - 1e-9);
  EXPECT_LT(h.time, 2.64);
  run(s, again, early);
  CheckpointHeader end;  // the steps land on outputs and checkpoints: more than 8 s / 0.02 s
  test::checkpoint_data(CheckpointStore(whole + "/checkpoints").latest(), &end);
  EXPECT_TRUE(test::restarted(test::slurp(again + "/log.txt"), early, h.time, h.steps,
                              end.steps - h.steps));
  expect_same_final_state(whole, again);
  expect_same_outputs(whole, again);
}

// Restarted from an earlier checkpoint, a run ends without a checkpoint of its own (here
// checkpoint.every: 0; SIGKILL does the same): `latest` must name the checkpoint it continued
// from, so that `--restart latest` goes on from there and no row goes missing (it named the
// first run's last checkpoint, and the rows between were lost).
TEST(Restart, LatestNamesTheCheckpointARestartContinuedFrom) {
  test::TempDir tmp;
  test::CkScenario s;
  const std::string whole = tmp.path() + "/whole", again = tmp.path() + "/again";
  run(s, whole);
  fs::copy(whole, again, fs::copy_options::recursive);
  const auto files = CheckpointStore(again + "/checkpoints").list();
  ASSERT_GE(files.size(), 3u);
  const std::string early = files[files.size() - 2];
  CheckpointHeader h;
  test::checkpoint_data(early, &h);
  test::CkScenario part = s;
  part.end = "5 s";
  part.checkpoint_every = "0 s";
  run(part, again, early);
  EXPECT_TRUE(fs::equivalent(CheckpointStore(again + "/checkpoints").latest(), early));
  run(s, again, "latest");
  CheckpointHeader end;
  test::checkpoint_data(CheckpointStore(whole + "/checkpoints").latest(), &end);
  EXPECT_TRUE(test::restarted(test::slurp(again + "/log.txt"), early, h.time, h.steps,
                              end.steps - h.steps));
  expect_same_final_state(whole, again);
  expect_same_outputs(whole, again);
}

// A restart replaces the initial state: a start file deleted (or moved) after the run began does
// not block `--restart` (through the executable), while a fresh run still refuses its absence.
TEST(Restart, ContinuesWithoutTheStartFileItNeverReads) {
  test::TempDir tmp;
  test::CkScenario s;
  const std::string first = tmp.path() + "/first";
  run(s, first);
  const std::string start = tmp.path() + "/start.vti";
  fs::copy_file(first + "/fields/000003.vti", start);
  std::string yaml = s.yaml();
  const std::string uniform = "initial: { kind: uniform, value: 0.5 }";
  ASSERT_NE(yaml.find(uniform), std::string::npos);
  yaml.replace(yaml.find(uniform), uniform.size(),
               "initial: { kind: file, path: " + start + ", array: beta }");
  const std::string cfg = tmp.write("from_file.yaml", yaml);
  const std::string whole = tmp.path() + "/whole", cut = tmp.path() + "/cut";
  ASSERT_EQ(test::run_lobule({"run", cfg, "-o", whole, "-q"}).exit_code, 0);
  ASSERT_EQ(test::run_lobule({"run", cfg, "-o", cut, "-q", "--set", "time.end=4 s"}).exit_code, 0);
  fs::remove(start);
  const auto again = test::run_lobule({"run", cfg, "-o", cut, "-q", "--restart", "latest"});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  expect_same_final_state(whole, cut);
  expect_same_outputs(whole, cut);
  const auto fresh = test::run_lobule({"run", cfg, "-o", tmp.path() + "/fresh", "-q"});
  EXPECT_EQ(fresh.exit_code, 2);
  EXPECT_NE(fresh.output.find("start.vti"), std::string::npos) << fresh.output;
}

TEST(Restart, ExtendsAFinishedRunToALaterEnd) {
  test::TempDir tmp;
  test::CkScenario s;
  const std::string whole = tmp.path() + "/whole", grown = tmp.path() + "/grown";
  run(s, whole);
  test::CkScenario shorter = s;
  shorter.end = "2 s";
  run(shorter, grown);
  run(s, grown, "latest");
  // From the end of the 2-second run (step 100) to 8 s: 300 steps.
  EXPECT_TRUE(test::restarted(test::slurp(grown + "/log.txt"),
                              CheckpointStore(grown + "/checkpoints").file_for(100), 2.0, 100,
                              300));
  expect_same_final_state(whole, grown);
  expect_same_outputs(whole, grown);
}

std::string restart_error(const test::CkScenario& s, const std::string& dir,
                          const std::vector<std::string>& set = {}) {
  try {
    run(s, dir, "latest", set);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "";
}

TEST(Restart, AMismatchedConfigIsRefusedSayingWhatDiffers) {
  test::TempDir tmp;
  test::CkScenario s;
  s.end = "1.5 s";
  const std::string dir = tmp.path() + "/run";
  run(s, dir);
  const std::string before = test::slurp(dir + "/timeseries.csv");

  std::string e = restart_error(s, dir, {"species.beta.decay=0.002 1/s"});
  EXPECT_NE(e.find("species[1].decay: 0.001 1/s in the checkpoint, 0.002 1/s in the config"),
            std::string::npos)
      << e;
  test::CkScenario fine = s;
  fine.spacing = "4 um";
  e = restart_error(fine, dir);
  EXPECT_NE(e.find("grid: 24x20x16 voxels in the checkpoint, 30x25x20 in the config"),
            std::string::npos)
      << e;
  e = restart_error(s, dir, {"species[1].name=gamma"});
  EXPECT_NE(e.find("fields: [alpha, beta] in the checkpoint, [alpha, gamma] in the config"),
            std::string::npos)
      << e;
  test::CkScenario dbl = s;
  dbl.precision = "double";
  e = restart_error(dbl, dir);
  EXPECT_NE(e.find("precision: float in the checkpoint, double in the config"), std::string::npos)
      << e;
  test::CkScenario shorter = s;
  shorter.end = "1 s";
  shorter.checkpoint_every = "0.5 s";
  e = restart_error(shorter, dir);
  EXPECT_NE(e.find("after time.end"), std::string::npos) << e;
  // Output, checkpoint and backend settings may change on a restart.
  test::CkScenario other = s;
  other.end = "2 s";
  other.output_every = "0.25 s";
  other.checkpoint_every = "0 s";
  EXPECT_EQ(restart_error(other, dir), "");
  EXPECT_NE(test::slurp(dir + "/timeseries.csv"), before);
  // The new output schedule continues after the checkpoint at 1.5 s, numbering on.
  const std::vector<std::pair<double, std::string>> want = {
      {0, "fields/000000.vti"},   {0.5, "fields/000001.vti"},  {1, "fields/000002.vti"},
      {1.5, "fields/000003.vti"}, {1.75, "fields/000004.vti"}, {2, "fields/000005.vti"}};
  EXPECT_EQ(test::pvd_entries(dir + "/fields.pvd"), want);
  const auto rows = test::csv_rows(dir + "/timeseries.csv");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[4][0], 1.75);
}

TEST(Restart, LatestFallsBackToTheNewestIntactCheckpoint) {
  test::TempDir tmp;
  test::CkScenario s;
  const std::string whole = tmp.path() + "/whole", dir = tmp.path() + "/run";
  run(s, whole);
  test::CkScenario half = s;
  half.end = "4 s";
  run(half, dir);
  const CheckpointStore store(dir + "/checkpoints");
  const std::string latest = store.latest();
  {  // damage the newest checkpoint
    std::string bytes = test::slurp(latest);
    bytes[bytes.size() - 5] ^= 0x10;
    std::ofstream(latest, std::ios::binary) << bytes;
  }
  run(s, dir, "latest");  // continues from t = 3 s (step 150) instead: 250 steps
  EXPECT_TRUE(test::restarted(test::slurp(dir + "/log.txt"), store.file_for(150), 3.0, 150, 250));
  expect_same_final_state(whole, dir);
  expect_same_outputs(whole, dir);
  EXPECT_NE(test::slurp(dir + "/log.txt").find("skipped damaged checkpoint"), std::string::npos);
}

TEST(Restart, WithoutACheckpointSaysWhereItLooked) {
  test::TempDir tmp;
  test::CkScenario s;
  const std::string e = restart_error(s, tmp.path() + "/none");
  EXPECT_NE(e.find("no checkpoint in " + tmp.path() + "/none/checkpoints"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(tmp.path() + "/none"));  // a refused restart writes nothing
}

}  // namespace
}  // namespace lobule

// Faults a long run meets: a NaN (exit code 4, the last good checkpoint stays), a full disk
// or an unwritable directory (exit code 3, the previous checkpoint and outputs stay intact),
// a run too big for memory (exit code 3 before anything is allocated).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "host/io/checkpoint_store.hpp"
#include "support/checkpoint_fixtures.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

TEST(Faults, ANanStopsTheRunWithExitCodeFourAndKeepsTheLastGoodCheckpoint) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;
  s.end = "4 s";
  s.output_every = "2 s";
  s.checkpoint_every = "0.5 s";  // checkpoints at steps 25, 50, 75, ...; outputs at 100, 200
  const std::string cfg = tmp.write("ck.yaml", s.yaml());
  const std::string dir = tmp.path() + "/run";
  // A NaN at the centre (12, 10, 8) after step 74 has reached its 6 neighbours at step 75.
  ::setenv("LOBULE_TEST_INJECT_NAN_AT_STEP", "74", 1);
  const auto r = test::run_lobule({"run", cfg, "-o", dir, "-q"});
  ::unsetenv("LOBULE_TEST_INJECT_NAN_AT_STEP");
  EXPECT_EQ(r.exit_code, 4) << r.output;
  // Found when the checkpoint at step 75 was due, before it was written.
  EXPECT_NE(r.output.find("numerical failure: species 'alpha' is nan at voxel (12, 10, 7)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("t = 1.5 s, step 75"), std::string::npos) << r.output;
  const CheckpointStore store(dir + "/checkpoints");
  EXPECT_NE(r.output.find("the last good checkpoint is " + store.file_for(50)), std::string::npos)
      << r.output;
  EXPECT_EQ(store.latest(), store.file_for(50));
  EXPECT_FALSE(fs::exists(store.file_for(75)));
  CheckpointHeader h;
  const std::string data = test::checkpoint_data(store.latest(), &h);
  for (std::size_t i = 0; i < data.size(); i += sizeof(float)) {
    float v;
    std::memcpy(&v, data.data() + i, sizeof v);
    ASSERT_TRUE(std::isfinite(v)) << "the kept checkpoint holds a non-finite value";
  }
  // And the run continues from it (t = 1 s, step 50: 150 more steps) and ends as a run that
  // met no NaN.
  const auto again = test::run_lobule({"run", cfg, "-o", dir, "-q", "--restart", "latest"});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(test::restarted(again.output, store.file_for(50), 1.0, 50, 150));
  const std::string clean = tmp.path() + "/clean";
  ASSERT_EQ(test::run_lobule({"run", cfg, "-o", clean, "-q"}).exit_code, 0);
  CheckpointHeader hc, hr;
  const std::string want =
      test::checkpoint_data(CheckpointStore(clean + "/checkpoints").latest(), &hc);
  const std::string got = test::checkpoint_data(store.latest(), &hr);
  EXPECT_EQ(hr.steps, 200);
  EXPECT_EQ(hr.steps, hc.steps);
  EXPECT_TRUE(got == want) << "the continued run's fields differ from a run without the NaN";
}

enum class DiskLimit { Tmpfs, FileSizeLimit };

// Restarts the run in `dir` where only half a checkpoint fits any more, so that the
// checkpoint at step 100 cannot be written. Tmpfs: a small tmpfs, filled up, in a private
// mount namespace (needs root); the results are copied back out before the namespace goes.
// FileSizeLimit: ulimit -f, with SIGXFSZ ignored so that write() fails with EFBIG.
// Returns the shell's output, with "exit code N" of lobule; empty when impossible here.
std::string restart_on_a_full_disk(DiskLimit how, const std::string& cfg, const std::string& dir,
                                   const std::string& tmp) {
  const std::string ckpt = CheckpointStore(dir + "/checkpoints").latest();
  const std::uintmax_t half = fs::file_size(ckpt) / 2;
  const std::string run =
      test::lobule_command() + " run " + test::shell_quote(cfg) + " -q --restart latest -o ";
  if (how == DiskLimit::FileSizeLimit)
    return test::run_shell("bash -c " +
                           test::shell_quote(fmt::format(
                               "ulimit -f {}; trap '' XFSZ; {}{}; echo \"exit code $?\"",
                               half / 1024, run, test::shell_quote(dir))))
        .output;
  const std::string mnt = tmp + "/mnt", copy = tmp + "/copy";
  fs::create_directories(mnt);
  const std::string script = fmt::format(
      "mount -t tmpfs -o size=8m tmpfs {0} 2>/dev/null || exit 0; cp -a {1} {0}/run; "
      "avail=$(df -B1 --output=avail {0} | tail -1); "
      "dd if=/dev/zero of={0}/fill bs=$((avail - {2})) count=1 2>/dev/null; "
      "{3}{0}/run; echo \"exit code $?\"; cp -a {0}/run {4}",
      mnt, dir, half, run, copy);
  const auto r = test::run_shell("unshare -m sh -c " + test::shell_quote(script));
  if (r.output.find("exit code ") == std::string::npos) return "";
  fs::remove_all(dir);
  fs::rename(copy, dir);
  return r.output;
}

class FullDisk : public ::testing::TestWithParam<DiskLimit> {};

TEST_P(FullDisk, GivesExitCodeThreeAndKeepsThePreviousCheckpointAndOutputs) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;
  s.end = "3 s";
  s.output_every = "4 s";  // outputs at 0 and the end only: the checkpoint is written first
  s.checkpoint_every = "1 s";
  const std::string cfg = tmp.write("ck.yaml", s.yaml());
  const std::string dir = tmp.path() + "/run";
  test::CkScenario first = s;
  first.end = "1 s";
  const std::string cfg1 = tmp.write("first.yaml", first.yaml());
  ASSERT_EQ(test::run_lobule({"run", cfg1, "-o", dir, "-q"}).exit_code, 0);
  const CheckpointStore store(dir + "/checkpoints");
  ASSERT_EQ(store.latest(), store.file_for(50));
  const std::string pvd = test::slurp(dir + "/fields.pvd");
  const std::string csv = test::slurp(dir + "/timeseries.csv");

  const std::string out = restart_on_a_full_disk(GetParam(), cfg, dir, tmp.path());
  if (out.empty()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
  EXPECT_NE(out.find("exit code 3"), std::string::npos) << out;
  EXPECT_TRUE(out.find("No space left on device") != std::string::npos ||
              out.find("File too large") != std::string::npos)
      << out;
  EXPECT_NE(out.find("step_000000000100.ckpt.tmp: "), std::string::npos) << out;
  EXPECT_NE(out.find("step_000000000050.ckpt (t = 1 s, step 50); it is intact"), std::string::npos)
      << out;
  EXPECT_EQ(store.latest(), store.file_for(50));
  EXPECT_NO_THROW(test::checkpoint_data(store.latest()));
  EXPECT_EQ(store.list().size(), 1u);
  EXPECT_FALSE(fs::exists(store.file_for(100) + ".tmp"));
  EXPECT_EQ(test::slurp(dir + "/fields.pvd"), pvd);
  EXPECT_EQ(test::slurp(dir + "/timeseries.csv"), csv);
}

INSTANTIATE_TEST_SUITE_P(Faults, FullDisk,
                         ::testing::Values(DiskLimit::Tmpfs, DiskLimit::FileSizeLimit),
                         [](const auto& info) {
                           return info.param == DiskLimit::Tmpfs ? std::string("Tmpfs")
                                                                 : std::string("FileSizeLimit");
                         });

TEST(Faults, AnUnwritableOutputDirectoryGivesExitCodeThree) {
  test::TempDir tmp;
  const std::string cfg = tmp.write("ck.yaml", test::CkScenario().yaml());
  const std::string file = tmp.write("a_file", "not a directory");
  const auto r = test::run_lobule({"run", cfg, "-o", file + "/out", "-q"});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("I/O error: cannot create directory " + file + "/out"), std::string::npos)
      << r.output;
}

TEST(Faults, ARunTooBigForMemoryIsRefusedBeforeAllocating) {
  test::TempDir tmp;
  std::string yaml = test::CkScenario().yaml();
  const std::string from = R"(size: ["120 um", "100 um", "80 um"])";
  yaml.replace(yaml.find(from), from.size(), R"(size: ["100 mm", "100 mm", "100 mm"])");
  const std::string cfg = tmp.write("big.yaml", yaml);
  const std::string dir = tmp.path() + "/big";
  const auto r = test::run_lobule({"run", cfg, "-o", dir, "-q"});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("not enough host memory: the run (20000x20000x20000 voxels, 2 "
                          "species, float) needs "),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(" free (MemAvailable)"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("precision: float"), std::string::npos) << "it is a float run already";
  EXPECT_FALSE(fs::exists(dir));
  const auto d = test::run_lobule({"run", cfg, "-o", dir, "-q", "--set", "precision=double"});
  EXPECT_EQ(d.exit_code, 3) << d.output;
  EXPECT_NE(d.output.find("or precision: float"), std::string::npos) << d.output;
}

// The output folder vanishes under a running run: it stops with exit code 3 and does not claim
// that a checkpoint inside it is intact; also when the outputs are written in the background
// (the error then comes from the writer thread).
void vanished_output_folder_is_reported(const std::string& background) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;
  s.end = "100 s";
  s.background = background;
  const std::string cfg = tmp.write("ck.yaml", s.yaml()), out = tmp.path() + "/out";
  test::LobuleProcess p({"run", cfg, "-o", out, "-q"}, tmp.path() + "/run.log");
  for (int i = 0; i < 12000 && !fs::exists(out + "/checkpoints/latest"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(fs::exists(out + "/checkpoints/latest"));
  // The whole folder vanishes at once: a remove_all under the running run could take fields/
  // first, and the run would then rightly find its checkpoint still there.
  fs::rename(out, tmp.path() + "/elsewhere");
  EXPECT_EQ(p.wait(), 3) << test::slurp(tmp.path() + "/run.log");
  const std::string log = test::slurp(tmp.path() + "/run.log");
  EXPECT_NE(log.find("is gone too"), std::string::npos) << log;
  EXPECT_EQ(log.find("it is intact"), std::string::npos) << log;
}

TEST(Faults, AVanishedOutputFolderIsReportedAsSuch) {
  vanished_output_folder_is_reported("off");
}

TEST(Faults, AVanishedOutputFolderIsReportedAsSuchWithBackgroundOutputs) {
  vanished_output_folder_is_reported("on");
}

TEST(Faults, AMissingOrDamagedRestartFileGivesExitCodeTwo) {
  test::TempDir tmp;
  const std::string cfg = tmp.write("ck.yaml", test::CkScenario().yaml());
  auto r = test::run_lobule({"run", cfg, "-o", tmp.path() + "/x", "--restart", "nope.ckpt"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("checkpoint error: nope.ckpt: cannot open"), std::string::npos)
      << r.output;
  const std::string junk = tmp.write("junk.ckpt", "LOBULECK and then nothing useful");
  r = test::run_lobule({"run", cfg, "-o", tmp.path() + "/x", "--restart", junk});
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

// A zero-filled or garbled `latest` beside intact checkpoints: --restart latest uses the newest
// intact one and says so, instead of refusing.
TEST(Faults, ADamagedLatestFallsBackToTheNewestIntactCheckpoint) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;  // 8 s, a checkpoint every 1.5 s
  const std::string cfg = tmp.write("ck.yaml", s.yaml()), out = tmp.path() + "/out";
  ASSERT_EQ(test::run_lobule({"run", cfg, "-o", out, "-q", "--set", "time.end=4 s"}).exit_code, 0);
  const std::string newest = CheckpointStore(out + "/checkpoints").list().front();
  for (const std::string& garbage : {std::string(64, '\0'), std::string("step_garbage\n")}) {
    std::ofstream(out + "/checkpoints/latest", std::ios::binary) << garbage;
    const auto r = test::run_lobule(
        {"run", cfg, "-o", out, "-q", "--restart", "latest", "--set", "time.end=4 s"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("latest names no checkpoint file"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("restart from " + newest), std::string::npos) << r.output;
  }
}

// A restart must not drop what was written before the checkpoint: with timeseries.csv gone it
// is refused with exit 2 naming the file; a missing or damaged fields.pvd is rebuilt from the
// .vti files (with the times they carry) and said so, unless one of those files is gone too:
// then the restart is refused naming it.
TEST(Faults, ARestartRefusesToLoseEarlierOutputs) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;
  const std::string cfg = tmp.write("ck.yaml", s.yaml()), out = tmp.path() + "/out";
  ASSERT_EQ(test::run_lobule({"run", cfg, "-o", out, "-q", "--set", "time.end=4 s"}).exit_code, 0);
  const auto restart = [&] {
    return test::run_lobule({"run", cfg, "-o", out, "-q", "--restart", "latest"});
  };
  const std::string csv = test::slurp(out + "/timeseries.csv");
  const auto entries = test::pvd_entries(out + "/fields.pvd");
  ASSERT_GE(entries.size(), 3u);
  std::filesystem::remove(out + "/timeseries.csv");
  auto r = restart();
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("timeseries.csv is missing"), std::string::npos) << r.output;
  std::ofstream(out + "/timeseries.csv") << csv;
  std::ofstream(out + "/fields.pvd") << "<VTKFile type=\"Collection\"><Collection>";
  const std::string kept = test::slurp(out + "/fields/000001.vti");
  std::filesystem::remove(out + "/fields/000001.vti");
  r = restart();
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("cannot be rebuilt"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("no such file: " + out + "/fields/000001.vti"), std::string::npos)
      << r.output;
  std::ofstream(out + "/fields/000001.vti", std::ios::binary) << kept;
  r = restart();
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(test::slurp(out + "/log.txt").find("rebuilt from the"), std::string::npos);
  const auto after = test::pvd_entries(out + "/fields.pvd");
  ASSERT_GE(after.size(), entries.size());
  for (std::size_t i = 0; i + 1 < entries.size(); ++i) EXPECT_EQ(after[i], entries[i]) << i;
}

}  // namespace
}  // namespace lobule

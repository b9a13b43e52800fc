// A run owns its output folder: a second run into it at the same time is refused, a fresh
// run clears what an earlier lobule run left there (and says so), and files lobule did not
// write are never overwritten.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include "host/io/checkpoint_store.hpp"
#include "support/checkpoint_fixtures.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

TEST(RunDir, ASecondRunIntoABusyFolderIsRefused) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;
  s.end = "1000 s";  // far beyond where the first run is stopped, however fast it steps
  s.checkpoint_every = "0 s";
  const std::string cfg = tmp.write("ck.yaml", s.yaml()), out = tmp.path() + "/out";
  test::LobuleProcess first({"run", cfg, "-o", out, "-q"}, tmp.path() + "/first.log");
  ASSERT_TRUE(test::wait_for(out + "/fields/000001.vti"));
  const auto second = test::run_lobule({"run", cfg, "-o", out, "-q"});
  EXPECT_EQ(second.exit_code, 2) << second.output;
  EXPECT_NE(second.output.find("is in use by another lobule run (process " +
                               std::to_string(first.pid()) + ")"),
            std::string::npos)
      << second.output;
  first.signal(SIGTERM);
  EXPECT_EQ(first.wait(), 130);
  // The first run's folder is intact and its own: it continues (for 1 s of tissue time past
  // the checkpoint the SIGTERM wrote).
  const std::string latest = CheckpointStore(out + "/checkpoints").latest();
  ASSERT_FALSE(latest.empty());
  CheckpointHeader h;
  test::checkpoint_data(latest, &h);
  const auto resumed =
      test::run_lobule({"run", cfg, "-o", out, "-q", "--restart", "latest", "--set",
                        "time.end=" + std::to_string(h.time + 1.0) + " s"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
}

TEST(RunDir, AFreshRunClearsAnEarlierRunAndSaysSo) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;  // 8 s, outputs every 0.5 s, checkpoints every 1.5 s
  const std::string cfg = tmp.write("ck.yaml", s.yaml()), out = tmp.path() + "/out";
  ASSERT_EQ(test::run_lobule({"run", cfg, "-o", out, "-q"}).exit_code, 0);
  ASSERT_TRUE(fs::exists(out + "/fields/000016.vti"));
  const std::string old_latest = CheckpointStore(out + "/checkpoints").latest();
  ASSERT_FALSE(old_latest.empty());
  const auto again = test::run_lobule(
      {"run", cfg, "-o", out, "-q", "--set", "time.end=1 s", "--set", "checkpoint.every=0 s"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("removed the outputs of an earlier run"), std::string::npos)
      << again.output;
  EXPECT_TRUE(fs::exists(out + "/fields/000002.vti"));
  EXPECT_FALSE(fs::exists(out + "/fields/000003.vti")) << "a stale output of the earlier run";
  EXPECT_EQ(CheckpointStore(out + "/checkpoints").latest(), "")
      << "latest still names the earlier run's checkpoint";
  EXPECT_EQ(test::pvd_entries(out + "/fields.pvd").size(), 3u);
  EXPECT_EQ(test::csv_rows(out + "/timeseries.csv").size(), 3u);
}

TEST(RunDir, FilesLobuleDidNotWriteAreNeverOverwritten) {
  test::TempDir tmp;
  test::CkScenario s;
  const std::string cfg = tmp.write("ck.yaml", s.yaml());
  // `-o .` in a folder that holds the user's own config.yaml.
  const std::string mine = tmp.write("config.yaml", "name: my own notes\n");
  const auto r = test::run_lobule({"run", cfg, "-o", tmp.path(), "-q"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("does not overwrite files it did not write"), std::string::npos)
      << r.output;
  EXPECT_EQ(test::slurp(mine), "name: my own notes\n");
  EXPECT_FALSE(fs::exists(tmp.path() + "/fields.pvd"));
}

// A scenario that starts from an earlier run's output, run into that same folder: a fresh run
// would clear the folder and with it its own input. Refused before anything is touched, for a
// species' initial file and for the liver model's start file alike.
TEST(RunDir, AnInputInTheFolderAFreshRunWouldClearIsRefused) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;
  s.end = "1 s";
  const std::string cfg = tmp.write("ck.yaml", s.yaml()), out = tmp.path() + "/out";
  ASSERT_EQ(test::run_lobule({"run", cfg, "-o", out, "-q"}).exit_code, 0);
  const std::string input = out + "/fields/000002.vti";
  ASSERT_TRUE(fs::exists(input));
  const std::size_t outputs = test::pvd_entries(out + "/fields.pvd").size();
  const std::string from_file = "initial={kind: file, path: " + input + ", array: beta}";
  const auto r =
      test::run_lobule({"run", cfg, "-o", out, "-q", "--set", "species[1]." + from_file});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("is an input of this run and an output of the earlier run"),
            std::string::npos)
      << r.output;
  EXPECT_TRUE(fs::exists(input)) << "the input was deleted";
  EXPECT_EQ(test::pvd_entries(out + "/fields.pvd").size(), outputs)
      << "the earlier run was touched";
  // Into another folder the same scenario runs, from that file.
  const auto elsewhere = test::run_lobule(
      {"run", cfg, "-o", tmp.path() + "/other", "-q", "--set", "species[1]." + from_file});
  EXPECT_EQ(elsewhere.exit_code, 0) << elsewhere.output;
}

// Careless command lines that would lose a file: an empty -o (an unset variable) would clear
// results/<name>; `geometry -o` over the scenario or into a name that is not .vti; a CPU loop
// choice the variable misspells would run other loops silently.
TEST(RunDir, CommandLinesThatWouldLoseAFileAreRefused) {
  test::TempDir tmp;
  test::CkScenario s;
  s.end = "0.1 s";
  const std::string cfg = tmp.write("ck.yaml", s.yaml());
  const std::string text = test::slurp(cfg);
  const auto empty = test::run_lobule({"run", cfg, "-o", "", "-q"});
  EXPECT_EQ(empty.exit_code, 2) << empty.output;
  EXPECT_NE(empty.output.find("-o is empty"), std::string::npos) << empty.output;
  const auto over = test::run_lobule({"geometry", cfg, "-o", cfg});
  EXPECT_EQ(over.exit_code, 2) << over.output;
  EXPECT_EQ(test::slurp(cfg), text) << "the scenario was overwritten";
  const auto notes = test::run_lobule({"geometry", cfg, "-o", tmp.path() + "/notes.txt"});
  EXPECT_EQ(notes.exit_code, 2) << notes.output;
  EXPECT_NE(notes.output.find("name a .vti file"), std::string::npos) << notes.output;
  EXPECT_FALSE(fs::exists(tmp.path() + "/notes.txt"));
  EXPECT_EQ(test::run_lobule({"geometry", cfg, "-o", tmp.path() + "/g.vti"}).exit_code, 0);
  const auto isa = test::run_shell("LOBULE_CPU_ISA=portible " + test::lobule_command() + " run " +
                                   test::shell_quote(cfg) + " -o " +
                                   test::shell_quote(tmp.path() + "/isa") + " -q");
  EXPECT_EQ(isa.exit_code, 2) << isa.output;
  EXPECT_NE(isa.output.find("LOBULE_CPU_ISA=portible: expected portable or avx2"),
            std::string::npos)
      << isa.output;
  EXPECT_FALSE(fs::exists(tmp.path() + "/isa"));
}

}  // namespace
}  // namespace lobule

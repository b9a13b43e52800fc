// The process around a run, as a careless shell hands it over: thread counts the OpenMP runtime
// cannot start, closed standard streams, and paths that a shell command line must quote.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <regex>
#include <thread>

#include "host/io/checkpoint_store.hpp"
#include "support/checkpoint_fixtures.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

// Lines of a text that contain `what`.
int count_lines_with(const std::string& text, const std::string& what) {
  int n = 0;
  std::size_t at = 0;
  while ((at = text.find(what, at)) != std::string::npos) {
    ++n;
    at += what.size();
  }
  return n;
}

// OMP_NUM_THREADS=100000 (a typo, a script's product) crashed the OpenMP runtime with SIGSEGV
// and no message. The count is capped at the processors the process may use, with a warning.
TEST(ProcessEnvironment, AThreadCountTheRuntimeCannotStartIsCappedWithAWarning) {
  test::TempDir tmp;
  test::CkScenario s;
  s.end = "0.2 s";
  const std::string cfg = tmp.write("ck.yaml", s.yaml()), out = tmp.path() + "/out";
  const auto r = test::run_shell("OMP_NUM_THREADS=100000 " + test::lobule_command() + " run " +
                                 test::shell_quote(cfg) + " -o " + test::shell_quote(out) + " -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: OMP_NUM_THREADS=100000"), std::string::npos) << r.output;
  const unsigned procs = std::max(1u, std::thread::hardware_concurrency());
  std::smatch m;
  const std::string log = test::slurp(out + "/log.txt");
  ASSERT_TRUE(std::regex_search(log, m, std::regex(R"(\((\d+) OpenMP threads)"))) << log;
  EXPECT_LE(std::stoul(m[1]), procs) << log;
  // `info` reports the capped count too, and a sane count passes without a word.
  const auto info = test::run_shell("OMP_NUM_THREADS=100000 " + test::lobule_command() + " info");
  EXPECT_EQ(info.exit_code, 0) << info.output;
  const auto sane = test::run_shell("OMP_NUM_THREADS=1 " + test::lobule_command() + " info");
  EXPECT_EQ(sane.exit_code, 0) << sane.output;
  EXPECT_EQ(sane.output.find("warning"), std::string::npos) << sane.output;
}

// `lobule run ... 2>&-`: the lock file took the free fd 2, and every log line went into
// DIR/.lobule.lock (a second run then quoted a log line as the pid of the first).
TEST(ProcessEnvironment, AClosedStderrLeavesTheLockFileAPid) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;
  s.end = "0.2 s";
  const std::string cfg = tmp.write("ck.yaml", s.yaml()), out = tmp.path() + "/out";
  const auto r = test::run_shell(test::lobule_command() + " run " + test::shell_quote(cfg) +
                                 " -o " + test::shell_quote(out) + " -q 2>&-");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string lock = test::slurp(out + "/.lobule.lock");
  EXPECT_TRUE(std::regex_match(lock, std::regex(R"(\d+)"))) << "the lock file holds:\n" << lock;
  const std::string log = test::slurp(out + "/log.txt");
  EXPECT_EQ(count_lines_with(log, "] done: "), 1) << log;
}

// `lobule run ... >&- 2>&-`: log.txt took fd 1 or 2, and the log's console copy went into it
// too, every line twice.
TEST(ProcessEnvironment, ClosedStdoutAndStderrWriteEachLogLineOnce) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;
  s.end = "0.2 s";
  const std::string cfg = tmp.write("ck.yaml", s.yaml()), out = tmp.path() + "/out";
  const auto r = test::run_shell(test::lobule_command() + " run " + test::shell_quote(cfg) +
                                 " -o " + test::shell_quote(out) + " -q >&- 2>&-");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string log = test::slurp(out + "/log.txt");
  EXPECT_EQ(count_lines_with(log, "] done: "), 1) << log;
  EXPECT_EQ(count_lines_with(log, "] lobule "), 1) << log;
  EXPECT_TRUE(std::regex_match(test::slurp(out + "/.lobule.lock"), std::regex(R"(\d+)")));
}

// The "continue with: lobule run CONFIG -o DIR --restart latest" hint is a command line to paste:
// a folder with a space, a newline and a quote, and a config with a space and a quote, quoted so
// that the shell gives lobule the same paths back.
TEST(ProcessEnvironment, TheContinueHintIsAShellCommandThatContinuesTheRun) {
  test::single_threaded_runs();
  test::TempDir tmp;
  test::CkScenario s;
  s.end = "100 s";
  s.checkpoint_every = "0 s";  // only the signal writes one
  const std::string cfg = tmp.write("my 'ck' scenario.yaml", s.yaml());
  const std::string out = tmp.path() + "/out dir\nwith 'quotes' $HOME";
  test::LobuleProcess p({"run", cfg, "-o", out, "-q"}, tmp.path() + "/cut.log");
  ASSERT_TRUE(test::wait_for(out + "/fields/000004.vti"));
  p.signal(SIGTERM);
  ASSERT_EQ(p.wait(), 130) << test::slurp(tmp.path() + "/cut.log");
  const std::string log = test::slurp(tmp.path() + "/cut.log");
  const std::string lead = "continue with: lobule ", tail = " --restart latest";
  const std::size_t from = log.find(lead);
  ASSERT_NE(from, std::string::npos) << log;
  const std::size_t to = log.find(tail, from);
  ASSERT_NE(to, std::string::npos) << log;
  const std::string args = log.substr(from + lead.size(), to + tail.size() - from - lead.size());
  EXPECT_NE(args.find(test::shell_quote(out)), std::string::npos) << args;
  // The hint as a user pastes it, in another working directory; it ends the run.
  const auto resumed = test::run_shell("cd / && " + test::lobule_command() + " " + args + " -q");
  EXPECT_EQ(resumed.exit_code, 0) << "the hint was: lobule " << args << "\n" << resumed.output;
  EXPECT_NE(resumed.output.find("restart from "), std::string::npos) << resumed.output;
  EXPECT_FALSE(CheckpointStore(out + "/checkpoints").latest().empty());
}

}  // namespace
}  // namespace lobule

/// Helpers shared by the test suites: running the lobule executable, temporary folders,
/// building small configs in memory.
#pragma once
#include <string>
#include <vector>

#include "host/config/config.hpp"

namespace lobule::test {

/// Output and exit code of one run of the lobule executable.
struct CliResult {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr together
};

/// Runs `lobule ARGS...` (the executable of this build) and waits for it.
CliResult run_lobule(const std::vector<std::string>& args);

/// Runs a shell command line (sh -c) and waits for it; output is stdout and stderr.
CliResult run_shell(const std::string& command);

/// The lobule executable of this build (or $LOBULE_TEST_EXE).
std::string lobule_exe();

/// The lobule executable of this build, quoted for a shell command line.
std::string lobule_command();

/// A lobule process running in the background, for tests that send it signals.
class LobuleProcess {
 public:
  /// Starts `lobule ARGS...` with stdout and stderr going to log_file.
  LobuleProcess(const std::vector<std::string>& args, const std::string& log_file);
  ~LobuleProcess();  ///< kills the process (by its id) if it still runs
  LobuleProcess(const LobuleProcess&) = delete;
  LobuleProcess& operator=(const LobuleProcess&) = delete;
  int pid() const { return pid_; }
  void signal(int sig) const;
  /// Waits for the end; the exit code, or 128 + signal when a signal ended it.
  int wait();

 private:
  int pid_ = -1;
};

/// A fresh empty directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  /// Writes `text` to path()/name and returns the file's path.
  std::string write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

/// Single-quotes s for a shell command line.
std::string shell_quote(const std::string& s);

/// Path of a file in the source tree (e.g. "inputs/demo.yaml"); $LOBULE_TEST_SOURCE_DIR
/// overrides the tree's location.
std::string source_path(const std::string& rel);

/// The message of the ConfigError that parsing `yaml` (named `file`) throws, or "" when it parses.
std::string config_error_of(const std::string& yaml, const std::string& file = "s.yaml");

/// Whether the CUDA backend can run here (compiled in and a GPU visible).
bool have_gpu();

}  // namespace lobule::test

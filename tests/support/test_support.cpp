#include "test_support.hpp"

#include "host/config/config_error.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "host/sim/backend.hpp"

namespace lobule::test {

namespace {
// Every test solves its steady starts itself, and so do the lobule processes it starts: no
// cache of solved states between runs (host/sim/steady_cache.hpp), whatever the environment;
// the cache's own tests set LOBULE_CACHE for their lifetime.
const bool kCacheOff = ::setenv("LOBULE_CACHE", "off", 1) == 0;
}  // namespace

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The executable and the source tree of this build; LOBULE_TEST_EXE and LOBULE_TEST_SOURCE_DIR
// override them where the build runs from another folder (a bundle on a GPU machine).
std::string lobule_exe() {
  const char* env = std::getenv("LOBULE_TEST_EXE");
  return env && *env ? env : LOBULE_EXE;
}

std::string lobule_command() {
  return shell_quote(lobule_exe());
}

CliResult run_lobule(const std::vector<std::string>& args) {
  std::string cmd = shell_quote(lobule_exe());
  for (const auto& a : args) cmd += " " + shell_quote(a);
  return run_shell(cmd);
}

CliResult run_shell(const std::string& command) {
  // Never waits without a bound: a command that hangs is killed, and the test fails saying so.
  constexpr int kBoundSeconds = 300;
  const std::string cmd = "timeout -s KILL " + std::to_string(kBoundSeconds) + " sh -c " +
                          shell_quote(command) + " 2>&1 </dev/null";
  CliResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (r.exit_code == 128 + SIGKILL)
    r.output +=
        "\n[killed: the command had not finished after " + std::to_string(kBoundSeconds) + " s]\n";
  return r;
}

LobuleProcess::LobuleProcess(const std::vector<std::string>& args, const std::string& log_file) {
  std::vector<std::string> argv_s{lobule_exe()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
}

LobuleProcess::~LobuleProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void LobuleProcess::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

int LobuleProcess::wait() {
  int status = 0;
  if (pid_ <= 0 || ::waitpid(pid_, &status, 0) != pid_) return -1;
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TempDir::TempDir() {
  std::random_device rd;
  const auto base = std::filesystem::temp_directory_path();
  for (;;) {
    auto p = base / ("lobule-test-" + std::to_string(rd()));
    if (std::filesystem::create_directory(p)) {
      path_ = p.string();
      break;
    }
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
  const std::string p = path_ + "/" + name;
  std::ofstream(p) << text;
  return p;
}

std::string source_path(const std::string& rel) {
  const char* env = std::getenv("LOBULE_TEST_SOURCE_DIR");
  return std::string(env && *env ? env : LOBULE_SOURCE_DIR) + "/" + rel;
}

bool have_gpu() {
  return cuda_available();
}

std::string config_error_of(const std::string& yaml, const std::string& file) {
  try {
    parse_config(yaml, file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace lobule::test

#include "run_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

#include "host/errors.hpp"

namespace fs = std::filesystem;

namespace lobule {

RunDirLock::RunDirLock(const std::string& dir) {
  const std::string path = dir + "/.lobule.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IoError(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = {};
    const ssize_t n = ::pread(fd_, pid, sizeof pid - 1, 0);
    ::close(fd_);
    fd_ = -1;
    throw InputError(fmt::format(
        "{} is in use by another lobule run{}: wait for it to end, or give this run another -o",
        dir, n > 0 ? fmt::format(" (process {})", std::string(pid, std::size_t(n))) : ""));
  }
  const std::string me = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) == 0) {
    const ssize_t w = ::pwrite(fd_, me.data(), me.size(), 0);
    (void)w;  // the pid only improves the message of a second run
  }
}

RunDirLock::~RunDirLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock; the file stays (removing it would race)
}

namespace {

bool written_by_lobule(const fs::path& config) {
  std::ifstream in(config);
  std::string first;
  std::getline(in, first);
  return first.rfind(kConfigMarker, 0) == 0;
}

// What an earlier lobule run left in d (the names clear_earlier_run removes).
std::vector<fs::path> earlier_run_files(const fs::path& d) {
  std::error_code ec;
  std::vector<fs::path> ours;
  for (const char* name : {"config.yaml", "fields.pvd", "timeseries.csv", "log.txt"})
    if (fs::exists(d / name, ec)) ours.push_back(d / name);
  static const std::regex field_re(R"(\d{6}\.vti)");
  if (fs::is_directory(d / "fields", ec))
    for (const auto& e : fs::directory_iterator(d / "fields", ec))
      if (std::regex_match(e.path().filename().string(), field_re)) ours.push_back(e.path());
  if (fs::is_directory(d / "checkpoints", ec) && !fs::is_empty(d / "checkpoints", ec))
    ours.push_back(d / "checkpoints");
  return ours;
}

}  // namespace

void refuse_inputs_in_earlier_run(const std::vector<std::string>& inputs, const std::string& dir) {
  std::error_code ec;
  const std::vector<fs::path> ours = earlier_run_files(dir);
  for (const std::string& in : inputs) {
    if (in.empty() || !fs::exists(in, ec)) continue;
    for (const fs::path& p : ours) {
      // The file itself, or a file inside a folder that would go (checkpoints/).
      bool hit = fs::equivalent(in, p, ec);
      if (!hit && fs::is_directory(p, ec)) {
        const fs::path a = fs::weakly_canonical(in, ec), b = fs::weakly_canonical(p, ec);
        const auto r = a.lexically_relative(b);
        hit = !r.empty() && *r.begin() != "..";
      }
      if (hit)
        throw InputError(fmt::format(
            "{} is an input of this run and an output of the earlier run in {}, which a fresh "
            "run clears: give this run another -o (or copy the file out of that folder first)",
            in, dir));
    }
  }
}

std::vector<std::string> clear_earlier_run(const std::string& dir) {
  std::error_code ec;
  const fs::path d(dir);
  const std::vector<fs::path> ours = earlier_run_files(d);
  if (ours.empty()) return {};
  // Only a folder whose config.yaml lobule wrote is an earlier run of ours.
  if (!fs::exists(d / "config.yaml", ec) || !written_by_lobule(d / "config.yaml"))
    throw InputError(fmt::format(
        "{} holds {} but no config.yaml written by lobule: lobule does not overwrite files it "
        "did not write; give this run another -o",
        dir, ours.front().filename().string()));
  std::vector<std::string> removed;
  for (const auto& p : ours) {
    fs::remove_all(p, ec);
    if (ec)
      throw IoError(
          fmt::format("cannot remove {} of the earlier run: {}", p.string(), ec.message()));
    removed.push_back(fs::relative(p, d, ec).string());
  }
  return removed;
}

}  // namespace lobule

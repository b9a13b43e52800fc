#include "atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "host/errors.hpp"

namespace lobule {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
  throw IoError(fmt::format("cannot {} {}: {}", what, path, std::strerror(err)));
}

void fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return;  // best effort for directories on odd file systems
  ::fsync(fd);
  ::close(fd);
}

std::string parent_of(const std::string& path) {
  const auto p = std::filesystem::path(path).parent_path().string();
  return p.empty() ? std::string(".") : p;
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::string path)
    : path_(std::move(path)), tmp_(path_ + ".tmp") {
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) lobule::fail("create", tmp_, errno);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void AtomicFileWriter::fail(const char* what, int err) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  ::unlink(tmp_.c_str());
  lobule::fail(what, tmp_, err);
}

void AtomicFileWriter::write(const void* data, std::size_t n) {
  if (fd_ < 0) throw IoError(fmt::format("cannot write {}: the file is closed", tmp_));
  const char* p = static_cast<const char*>(data);
  std::size_t done = 0;
  while (done < n) {
    const ssize_t w = ::write(fd_, p + done, n - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail("write", errno);
    }
    done += std::size_t(w);
  }
}

void AtomicFileWriter::commit() {
  if (fd_ < 0) throw IoError(fmt::format("cannot write {}: the file is closed", tmp_));
  if (::fsync(fd_) != 0) fail("write", errno);
  const int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) {
    const int err = errno;
    ::unlink(tmp_.c_str());
    lobule::fail("write", tmp_, err);
  }
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp_.c_str());
    lobule::fail("replace", path_, err);
  }
  fsync_path(parent_of(path_), true);
}

void write_file_atomic(const std::string& path, const std::string& content) {
  AtomicFileWriter w(path);
  w.write(content.data(), content.size());
  w.commit();
}

void commit_file_atomic(const std::string& tmp, const std::string& path) {
  const int fd = ::open(tmp.c_str(), O_RDONLY);
  if (fd < 0) fail("open", tmp, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) {
    ::unlink(tmp.c_str());
    fail("write", tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    fail("replace", path, e);
  }
  fsync_path(parent_of(path), true);
}

void make_directories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw IoError(fmt::format("cannot create directory {}: {}", dir, ec.message()));
  if (::access(dir.c_str(), W_OK) != 0) fail("write to directory", dir, errno);
}

void make_directory_in_place(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) fail("create directory", dir, errno);
  if (::access(dir.c_str(), W_OK) != 0) fail("write to directory", dir, errno);
}

}  // namespace lobule

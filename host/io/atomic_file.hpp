/// Crash-safe file replacement: write a temporary file, fsync, rename over the target.
#pragma once
#include <cstddef>
#include <string>

namespace lobule {

/// Replaces `path` with `content` atomically; readers see the old or the new file, never
/// a partial one. Throws IoError with the system's reason (full disk, permissions).
void write_file_atomic(const std::string& path, const std::string& content);

/// fsyncs a file that was written by other means, then renames tmp over path.
void commit_file_atomic(const std::string& tmp, const std::string& path);

/// Creates a directory and its parents; throws IoError when that is impossible.
void make_directories(const std::string& dir);
/// Creates one directory inside an existing parent (nothing when it exists); throws IoError when
/// the parent is gone, so a run folder that vanished under a run is reported, not rebuilt.
void make_directory_in_place(const std::string& dir);

/// Streams a file of any size to `path.tmp`; commit() fsyncs it and renames it over `path`.
/// A writer destroyed before commit() (an error, an exception) removes the temporary file,
/// so `path` is always either the old file or the complete new one.
class AtomicFileWriter {
 public:
  /// Creates path.tmp; throws IoError when that is impossible.
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  /// Appends n bytes; throws IoError on a full disk (ENOSPC), a file size limit (EFBIG)...
  void write(const void* data, std::size_t n);
  /// fsync, close, rename over the target, fsync the directory. Throws IoError.
  void commit();
  const std::string& path() const { return path_; }
  const std::string& temporary() const { return tmp_; }

 private:
  [[noreturn]] void fail(const char* what, int err);
  std::string path_, tmp_;
  int fd_ = -1;
};

}  // namespace lobule

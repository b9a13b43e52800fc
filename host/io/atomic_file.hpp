/// Crash-safe file replacement: write a temporary file, fsync, rename over the target.
#pragma once
#include <string>

namespace lobule {

/// Replaces `path` with `content` atomically; readers see the old or the new file, never
/// a partial one. Throws IoError with the system's reason (full disk, permissions).
void write_file_atomic(const std::string& path, const std::string& content);

/// fsyncs a file that was written by other means, then renames tmp over path.
void commit_file_atomic(const std::string& tmp, const std::string& path);

/// Creates a directory and its parents; throws IoError when that is impossible.
void make_directories(const std::string& dir);

}  // namespace lobule

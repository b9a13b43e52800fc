/// The ParaView collection file (fields.pvd) that lists the output times.
#pragma once
#include <string>
#include <vector>

namespace lobule {

/// Keeps the list of (time, file) entries and rewrites DIR/fields.pvd atomically.
class PvdIndex {
 public:
  explicit PvdIndex(std::string path) : path_(std::move(path)) {}
  /// Adds a time step (file relative to the .pvd) and rewrites the index.
  void add(double time, const std::string& file);
  /// Drops every entry at or after `time` (restart) without writing.
  void truncate_from(double time);
  /// Reads the entries of the existing file (restart); none when it does not exist.
  /// Throws IoError when it exists but cannot be read.
  void load();
  /// Adds an entry without writing (rebuilding the index).
  void push(double time, const std::string& file) { entries_.push_back({time, file}); }
  /// Keeps only the first n entries (restart) without writing.
  void keep_first(std::size_t n);
  const std::string& path() const { return path_; }
  std::size_t size() const { return entries_.size(); }
  double time(std::size_t i) const { return entries_[i].time; }
  const std::string& file(std::size_t i) const { return entries_[i].file; }
  void write() const;

 private:
  struct Entry {
    double time;
    std::string file;
  };
  std::string path_;
  std::vector<Entry> entries_;
};

}  // namespace lobule

#include "checkpoint_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "atomic_file.hpp"

namespace fs = std::filesystem;

namespace lobule {

long long checkpoint_step_of(const std::string& name) {
  const std::string pre = "step_", post = ".ckpt";
  if (name.size() <= pre.size() + post.size() || name.compare(0, pre.size(), pre) != 0 ||
      name.compare(name.size() - post.size(), post.size(), post) != 0)
    return -1;
  const std::string digits = name.substr(pre.size(), name.size() - pre.size() - post.size());
  if (digits.size() > 18) return -1;
  for (char c : digits)
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
  return std::stoll(digits);
}

std::string CheckpointStore::file_for(long long steps) const {
  return fmt::format("{}/step_{:012d}.ckpt", dir_, steps);
}

template <class T>
std::string CheckpointStore::save(const CheckpointHeader& h, const Box& b,
                                  const std::vector<NamedArray<const T>>& fields, int keep) const {
  // The checkpoints folder only, never its parent: a run folder that vanished under the run took
  // its earlier outputs with it, and a checkpoint written into a rebuilt one would be claimed
  // as a good place to continue from.
  make_directory_in_place(dir_);
  const std::string path = file_for(h.steps);
  write_checkpoint<T>(path, h, b, fields);
  try {  // read it back: `latest` must only ever name a verified file
    FileSource src(path);
    verify_checkpoint_data(src, read_checkpoint_header(src));
  } catch (const CheckpointError& e) {
    std::error_code ec;
    fs::remove(path, ec);
    throw IoError(
        fmt::format("the checkpoint just written does not read back ({}); the "
                    "previous checkpoint is kept; check the disk",
                    e.what()));
  }
  write_file_atomic(dir_ + "/latest", fs::path(path).filename().string() + "\n");
  prune(h.steps, keep);
  return path;
}

void CheckpointStore::point_latest_at(const std::string& file) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const fs::path f = fs::weakly_canonical(file, ec), d = fs::weakly_canonical(dir_, ec);
  const std::string name = f.parent_path() == d ? f.filename().string() : f.string();
  write_file_atomic(dir_ + "/latest", name + "\n");
}

std::string CheckpointStore::latest() const {
  std::ifstream in(dir_ + "/latest");
  std::string name;
  if (!in || !std::getline(in, name)) return {};
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
  if (name.empty()) return {};
  return fs::path(name).is_absolute() ? name : dir_ + "/" + name;
}

std::vector<std::string> CheckpointStore::list() const {
  std::vector<std::pair<long long, std::string>> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const long long s = checkpoint_step_of(e.path().filename().string());
    if (s >= 0 && e.is_regular_file(ec)) found.emplace_back(s, e.path().string());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a > b; });
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

void CheckpointStore::remove_temporaries() const {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) fs::remove(e.path(), ec);
  }
}

void CheckpointStore::prune(long long steps, int keep) const {
  int kept = 0;
  const std::string newest = latest();
  for (const auto& path : list()) {
    if (checkpoint_step_of(fs::path(path).filename().string()) > steps) continue;
    if (++kept <= keep || path == newest) continue;
    std::error_code ec;
    fs::remove(path, ec);  // best effort: a file we cannot delete only costs disk space
  }
}

template std::string CheckpointStore::save<float>(const CheckpointHeader&, const Box&,
                                                  const std::vector<NamedArray<const float>>&,
                                                  int) const;
template std::string CheckpointStore::save<double>(const CheckpointHeader&, const Box&,
                                                   const std::vector<NamedArray<const double>>&,
                                                   int) const;

}  // namespace lobule

#include "steady_cache.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "build_info.hpp"
#include "checkpoint_io.hpp"
#include "host/config/physics_text.hpp"
#include "host/io/atomic_file.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

// The file that holds this code (the lobule executable, or the Python binding's module), as
// "path size mtime": a rebuild changes it.
std::string solver_binary() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&solver_binary), &info) == 0 || !info.dli_fname)
    return "unknown binary";
  struct stat st {};
  if (::stat(info.dli_fname, &st) != 0) return info.dli_fname;
  return fmt::format("{} {} {}.{:09d}", info.dli_fname, (long long)st.st_size,
                     (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
}

}  // namespace

SteadyCache SteadyCache::from_environment() {
  if (const char* e = std::getenv("LOBULE_CACHE"); e && *e)
    return SteadyCache(std::string(e) == "off" ? std::string() : std::string(e));
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
    return SteadyCache(std::string(x) + "/lobule/steady");
  if (const char* h = std::getenv("HOME"); h && *h)
    return SteadyCache(std::string(h) + "/.cache/lobule/steady");
  return SteadyCache("");
}

std::string SteadyCache::key(const Config& c, BackendChoice resolved) {
  YAML::Node n = YAML::Load(physics_text(c));
  if (n["model"].IsMap())
    for (const char* k : {"initial", "injury", "therapy"}) n["model"].remove(k);
  if (n["time"].IsMap()) n["time"].remove("dt");
  n.remove("precision");
  n["steady_start"]["backend"] = to_string(resolved);
  n["steady_start"]["solver"] =
      fmt::format("lobule {} ({}), {}", LOBULE_VERSION, LOBULE_GIT, solver_binary());
  YAML::Emitter out;
  out << n;
  return std::string(out.c_str()) + "\n";
}

std::string SteadyCache::file_for(const std::string& key) const {
  return fmt::format("{}/steady_{:016x}.ckpt", folder_, fnv1a64(key));
}

std::string SteadyCache::load(const std::string& key, HostFields<double>& f) const {
  if (!enabled()) return {};
  const std::string path = file_for(key);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return {};
  try {
    FileSource src(path);
    const CheckpointHeader h = read_checkpoint_header(src);
    bool same = h.physics == key && h.word_size == 8 && h.box.nx == f.box.nx &&
                h.box.ny == f.box.ny && h.box.nz == f.box.nz && h.fields.size() == f.species.size();
    for (std::size_t q = 0; same && q < f.species.size(); ++q)
      same = h.fields[q].name == f.species[q].name;
    if (same) {
      HostFields<double> copy = f;
      read_checkpoint_fields(src, h, copy);  // every CRC checked before f changes
      f = std::move(copy);
      fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // recently used
      return path;
    }
  } catch (const std::exception&) {  // damaged or unreadable: solved again
  }
  fs::remove(path, ec);  // damaged, or another key under the same hash
  return {};
}

bool SteadyCache::has(const std::string& key) const {
  if (!enabled()) return false;
  try {
    return read_checkpoint_header(FileSource(file_for(key))).physics == key;
  } catch (const std::exception&) {
    return false;
  }
}

std::string SteadyCache::store(const std::string& key, const HostFields<double>& f) const {
  if (!enabled()) return {};
  try {
    make_directories(folder_);
    CheckpointHeader h;
    h.spacing = {1 / std::sqrt(double(f.ih2.x)), 1 / std::sqrt(double(f.ih2.y)),
                 1 / std::sqrt(double(f.ih2.z))};
    h.outputs = 1;  // a state at t = 0, as a run's first checkpoint after its first output
    h.physics = key;
    h.physics_hash = fnv1a64(key);
    h.writer = fmt::format("lobule {} ({})", LOBULE_VERSION, LOBULE_GIT);
    // A file of this process's own, then renamed into place: runs that solve the same start
    // side by side never write into one file.
    const std::string file = file_for(key), part = fmt::format("{}.{}.part", file, ::getpid());
    write_checkpoint(part, h, f);
    fs::rename(part, file);
    // Keep the newest kKeep entries (a sweep over parameters makes one per arm); parts that a
    // killed run left behind go after an hour.
    std::vector<std::pair<fs::file_time_type, fs::path>> entries;
    std::error_code ec;
    const auto hour_ago = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (const auto& e : fs::directory_iterator(folder_, ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("steady_", 0) != 0) continue;
      const auto when = e.last_write_time(ec);
      if (e.path().extension() == ".ckpt")
        entries.emplace_back(when, e.path());
      else if (when < hour_ago)
        fs::remove(e.path(), ec);
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = kKeep; i < entries.size(); ++i) fs::remove(entries[i].second, ec);
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace lobule

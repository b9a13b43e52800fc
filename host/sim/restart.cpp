#include "restart.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <optional>

#include "checkpoint_io.hpp"
#include "host/config/physics_text.hpp"
#include "host/io/checkpoint_store.hpp"
#include "host/io/run_log.hpp"
#include "host/model/model.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

// Reads and verifies one checkpoint file completely.
RestartPoint load_verified(const std::string& file) {
  FileSource src(file);
  RestartPoint p{file, read_checkpoint_header(src), {}};
  verify_checkpoint_data(src, p.header);
  return p;
}

// `latest` first, then the older checkpoints, newest first (never newer ones: those belong
// to a run that was restarted from an earlier checkpoint). A `latest` that names no checkpoint
// file (zero-filled, garbled, or naming a file that is gone) counts as absent: every
// checkpoint is then a candidate, newest first, and `notes` says why.
std::vector<std::string> latest_candidates(const CheckpointStore& store,
                                           std::vector<std::string>& notes) {
  std::string named = store.latest();
  std::error_code ec;
  if (!named.empty() && (checkpoint_step_of(fs::path(named).filename().string()) < 0 ||
                         !fs::is_regular_file(named, ec))) {
    notes.push_back(
        fmt::format("{}/latest names no checkpoint file; using the newest intact "
                    "checkpoint",
                    store.dir()));
    named.clear();
  }
  std::vector<std::string> out;
  if (!named.empty()) out.push_back(named);
  const long long limit =
      named.empty() ? -1 : checkpoint_step_of(fs::path(named).filename().string());
  for (const auto& f : store.list())
    if (f != named &&
        (named.empty() || checkpoint_step_of(fs::path(f).filename().string()) < limit))
      out.push_back(f);
  return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

RestartPoint find_restart_point(const std::string& spec, const std::string& out_dir,
                                const Config& c) {
  if (spec != "latest") {
    RestartPoint p = load_verified(spec);
    check_matches_config(p.header, p.file, c);
    return p;
  }
  const CheckpointStore store(out_dir + "/checkpoints");
  std::vector<std::string> notes;
  const auto candidates = latest_candidates(store, notes);
  if (candidates.empty())
    throw CheckpointError(fmt::format(
        "--restart latest: no checkpoint in {} (is -o the directory of the earlier run?); "
        "run without --restart to start afresh",
        store.dir()));
  std::vector<std::string> damaged;
  for (const auto& file : candidates) {
    std::optional<RestartPoint> p;
    try {
      p = load_verified(file);
    } catch (const CheckpointError& e) {
      damaged.push_back(e.what());
      continue;
    }
    check_matches_config(p->header, p->file, c);  // a mismatch is no reason to go further back
    p->warnings = notes;
    for (const auto& d : damaged) p->warnings.push_back("skipped damaged checkpoint: " + d);
    return *p;
  }
  throw CheckpointError(fmt::format("--restart latest: no intact checkpoint in {}:\n  {}",
                                    store.dir(), join(damaged, "\n  ")));
}

std::vector<std::string> layout_differences(const CheckpointHeader& h, const Config& c) {
  std::vector<std::string> diffs;
  const Box& b = h.box;
  if (b.gx != c.cells[0] || b.gy != c.cells[1] || b.gz != c.cells[2] || b.nx != b.gx ||
      b.ny != b.gy || b.nz != b.gz)
    diffs.push_back(fmt::format("grid: {}x{}x{} voxels in the checkpoint, {}x{}x{} in the config",
                                b.gx, b.gy, b.gz, c.cells[0], c.cells[1], c.cells[2]));
  std::vector<std::string> have, want;
  for (const auto& f : h.fields) have.push_back(f.name);
  for (const auto& s : c.species) want.push_back(s.name);
  if (have != want)
    diffs.push_back(fmt::format("fields: [{}] in the checkpoint, [{}] in the config",
                                join(have, ", "), join(want, ", ")));
  const std::uint32_t word = c.precision == Precision::Double ? 8 : 4;
  if (h.word_size != word)
    diffs.push_back(fmt::format("precision: {} in the checkpoint, {} in the config",
                                h.word_size == 8 ? "double" : "float", to_string(c.precision)));
  return diffs;
}

void check_matches_config(const CheckpointHeader& h, const std::string& file, const Config& c) {
  std::vector<std::string> diffs = layout_differences(h, c);
  const std::uint32_t word = c.precision == Precision::Double ? 8 : 4;
  const std::string physics = physics_text(c);
  if (fnv1a64(physics) != h.physics_hash)
    for (auto& d : physics_differences(h.physics, physics))
      if (d.rfind("precision:", 0) != 0 || h.word_size == word) diffs.push_back(d);
  if (!diffs.empty())
    throw CheckpointError(fmt::format(
        "{} does not match the config {}:\n  {}\nrestart with the config the checkpoint was "
        "written with, or start a new run in another directory (-o)",
        file, c.file, join(diffs, "\n  ")));
  const std::size_t events = c.model_impl ? c.model_impl->event_times().size() : 0;
  if (h.events > events)
    throw CheckpointError(
        fmt::format("{}: the checkpoint has applied {} therapy doses, the config schedules {}: "
                    "restart with the config the checkpoint was written with",
                    file, h.events, events));
  if (h.time > c.time.end)
    throw CheckpointError(fmt::format(
        "{}: the checkpoint is at t = {} s, after time.end = {} s; set a later time.end to "
        "continue it",
        file, h.time, c.time.end));
}

template <class T>
void restore_from(Stepper<T>& run, const RestartPoint& p) {
  HostFields<T> f = run.fields();
  FileSource src(p.file);
  read_checkpoint_fields(src, p.header, f);
  run.restore(std::move(f), p.header.time, p.header.steps, p.header.events);
}

template void restore_from<float>(Stepper<float>&, const RestartPoint&);
template void restore_from<double>(Stepper<double>&, const RestartPoint&);

}  // namespace lobule

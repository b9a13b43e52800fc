#include "branch.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "checkpoint_io.hpp"
#include "host/config/physics_text.hpp"
#include "host/config/units.hpp"
#include "host/io/checkpoint_store.hpp"
#include "host/io/pvd_index.hpp"
#include "host/io/run_log.hpp"
#include "host/io/vti_io.hpp"
#include "host/model/model.hpp"
#include "restart.hpp"

namespace fs = std::filesystem;

namespace lobule {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Two tissue times are the same state when they agree to round-off of the step arithmetic.
bool same_time(double a, double b) {
  return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

// The (at most six) times nearest t, in order, and how many there are in all.
std::string nearest_times(std::vector<double> times, double t) {
  if (times.empty()) return "none";
  const std::size_t all = times.size();
  std::sort(times.begin(), times.end(),
            [t](double a, double b) { return std::abs(a - t) < std::abs(b - t); });
  times.resize(std::min<std::size_t>(all, 6));
  std::sort(times.begin(), times.end());
  std::string out;
  for (std::size_t i = 0; i < times.size(); ++i) out += (i ? ", " : "") + human_time(times[i]);
  return all > times.size() ? fmt::format("{} ({} in all; the nearest shown)", out, all) : out;
}

// The doses of c scheduled strictly before t and at or before t: a source that stopped at t
// applied a number between the two (a dose at exactly t is applied by the step leaving t).
std::pair<std::size_t, std::size_t> doses_before(const Config& c, double t) {
  std::size_t lt = 0, le = 0;
  if (c.model_impl)
    for (double e : c.model_impl->event_times()) {
      if (e < t && !same_time(e, t)) ++lt;
      if (e < t || same_time(e, t)) ++le;
    }
  return {lt, le};
}

// The injury an arm and its source apply before t, one line per interval as it acts before t
// ("pattern rate from..min(to, t)"): an arm may change later injury, not the injury its state
// already went through. physics: physics_text documents (times in s).
std::vector<std::string> injury_before(const std::string& physics, double t) {
  std::vector<std::string> out;
  YAML::Node injury;
  try {
    injury = YAML::Load(physics)["model"]["injury"];
  } catch (const YAML::Exception&) {
    return out;
  }
  if (!injury || !injury.IsSequence()) return out;
  for (const auto& e : injury) {
    if (!e.IsMap() || !e["from"] || !e["to"]) continue;
    double from = 0, to = 0;
    try {
      from = parse_quantity(e["from"].as<std::string>()).value;
      to = parse_quantity(e["to"].as<std::string>()).value;
    } catch (const std::exception&) {
      continue;
    }
    if (from >= t && !same_time(from, t)) continue;
    std::string what;  // every key but the interval, which is compared clipped to t
    for (const auto& kv : e) {
      const std::string key = kv.first.as<std::string>();
      if (key == "from" || key == "to") continue;
      YAML::Emitter em;
      em << YAML::Flow << kv.second;
      what += fmt::format("{}{}: {}", what.empty() ? "" : ", ", key, em.c_str());
    }
    out.push_back(
        fmt::format("{{{}}} acting {} to {}", what, human_time(from), human_time(std::min(to, t))));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Refuses an arm on another geometry: the state belongs to the lobule it was computed on (the
// same grid of another stage or seed would put scar and cells where this one has none).
void check_same_geometry(const std::vector<std::string>& differences, const std::string& what) {
  std::string lines;
  for (const auto& d : differences)
    if (d.rfind("geometry", 0) == 0 || d.rfind("grid", 0) == 0) lines += "\n  " + d;
  if (!lines.empty())
    throw InputError(
        fmt::format("--from {}: the state was computed on another geometry:{}\nan arm runs on its "
                    "source's geometry",
                    what, lines));
}

// Refuses an arm whose injury before the branch time is not the source's.
void check_past_injury(const std::string& source_physics, const std::string& arm_physics, double t,
                       const std::string& what) {
  const auto a = injury_before(source_physics, t), b = injury_before(arm_physics, t);
  if (a == b) return;
  const auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += "\n    " + x;
    return s.empty() ? std::string("\n    none") : s;
  };
  throw InputError(fmt::format(
      "--from {}: the state at t = {} went through another injury than the config gives "
      "before then; the source's:{}\n  the config's:{}\nan arm may change the future only",
      what, human_time(t), list(a), list(b)));
}

BranchPoint from_checkpoint(const std::string& file, const Config& c) {
  FileSource src(file);
  BranchPoint p;
  p.file = file;
  p.checkpoint = true;
  p.header = read_checkpoint_header(src);
  verify_checkpoint_data(src, p.header);
  p.time = p.header.time;
  p.steps = p.header.steps;
  p.events = p.header.events;
  // Grid, fields and precision must match as for a restart; physics may differ (that is what
  // an arm changes), and is listed.
  const std::vector<std::string> diffs = layout_differences(p.header, c);
  if (!diffs.empty()) {
    std::string all;
    for (const auto& d : diffs) all += "\n  " + d;
    throw CheckpointError(
        fmt::format("--from {}: the state does not fit the config {}:{}", file, c.file, all));
  }
  const std::string physics = physics_text(c);
  if (fnv1a64(physics) != p.header.physics_hash) {
    p.differences = physics_differences(p.header.physics, physics, 64, "the source");
    check_same_geometry(p.differences, file);
    check_past_injury(p.header.physics, physics, p.time, file);
  }
  const auto [lt, le] = doses_before(c, p.time);
  if (p.events < lt || p.events > le)
    throw CheckpointError(fmt::format(
        "--from {}: the source had applied {} therapy doses by t = {}; the config schedules {} "
        "before then: an arm may change the future only, its earlier doses must be the source's",
        file, p.events, human_time(p.time), lt));
  return p;
}

// An output holds the fields and the time; the doses applied and the physics come from the
// source run's config.yaml beside it (RUN/config.yaml for RUN/fields/NNNNNN.vti), when there.
BranchPoint from_output(const std::string& file, double time, const Config& c) {
  BranchPoint p;
  p.file = file;
  p.time = time;
  // Every field read and checked now, before the run clears anything in its output folder.
  std::vector<std::string> names;
  for (const auto& s : c.species) names.push_back(s.name);
  VtiContents v;
  try {
    v = read_vti_contents(file, names);
  } catch (const InputError& e) {
    throw InputError(fmt::format(
        "--from: {}; a branch needs every field of the state: start it from a checkpoint at "
        "that time, or from a source run with output.fields: all",
        e.what()));
  }
  for (int a = 0; a < 3; ++a)
    if (v.cells[a] != c.cells[a] || std::abs(v.spacing[a] - c.spacing[a]) > 1e-6 * c.spacing[a])
      throw InputError(fmt::format(
          "--from {}: its grid is {}x{}x{} voxels of {:g} x {:g} x {:g} um, the config's "
          "{}x{}x{} of {:g} x {:g} x {:g} um: an arm runs on its source's grid (drop the grid or "
          "geometry overrides, or branch from a run of this grid)",
          file, v.cells[0], v.cells[1], v.cells[2], v.spacing[0], v.spacing[1], v.spacing[2],
          c.cells[0], c.cells[1], c.cells[2], c.spacing[0], c.spacing[1], c.spacing[2]));
  for (auto& [name, values] : v.arrays) p.values.push_back(std::move(values));
  const std::size_t lt = doses_before(c, time).first;
  p.events = lt;
  const fs::path source = fs::path(file).parent_path().parent_path() / "config.yaml";
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) return p;
  Config base;
  try {
    base = load_config(source.string(), {});
  } catch (const std::exception&) {
    return p;  // not a run's config: the fields and time alone
  }
  const std::string source_physics = physics_text(base), physics = physics_text(c);
  p.differences = physics_differences(source_physics, physics, 64, "the source");
  check_same_geometry(p.differences, file);
  check_past_injury(source_physics, physics, time, file);
  const std::size_t applied = doses_before(base, time).first;
  if (applied != lt)
    throw InputError(fmt::format(
        "--from {}: its run ({}) had applied {} therapy doses before t = {}; the config "
        "schedules {} before then: an arm may change the future only, its earlier doses must "
        "be the source's",
        file, source.string(), applied, human_time(time), lt));
  return p;
}

// RUN:TIME: RUN's checkpoint at TIME if kept, else its output at TIME.
BranchPoint from_run(const std::string& run, const std::string& when, const std::string& spec,
                     const Config& c) {
  double t = 0;
  try {
    const Quantity q = parse_quantity(when);
    if (q.dim != dims::kTime) throw UnitError("not a time");
    t = q.value;
  } catch (const UnitError&) {
    throw InputError(
        fmt::format("--from {}: '{}' is not a tissue time with a unit; write e.g. --from {}:84d",
                    spec, when, run));
  }
  std::error_code ec;
  if (!fs::is_directory(run, ec))
    throw InputError(fmt::format(
        "--from {}: {} is not a run directory: give the -o folder of an earlier run", spec, run));
  std::vector<double> kept;
  const CheckpointStore store(run + "/checkpoints");
  for (const auto& f : store.list()) {
    CheckpointHeader h;
    try {
      h = read_checkpoint_header(FileSource(f));
    } catch (const InputError&) {
      continue;  // a damaged checkpoint is no candidate
    }
    if (same_time(h.time, t)) return from_checkpoint(f, c);
    kept.push_back(h.time);
  }
  PvdIndex pvd(run + "/fields.pvd");
  try {
    pvd.load();
  } catch (const IoError&) {
  }
  std::vector<double> outputs;
  for (std::size_t i = 0; i < pvd.size(); ++i) {
    if (same_time(pvd.time(i), t)) return from_output(run + "/" + pvd.file(i), pvd.time(i), c);
    outputs.push_back(pvd.time(i));
  }
  throw InputError(fmt::format(
      "--from {}: {} holds no state at t = {}: outputs at {}; checkpoints at {}. Branch at one "
      "of these times, or rerun {} with an output or checkpoint there",
      spec, run, human_time(t), nearest_times(outputs, t), nearest_times(kept, t), run));
}

}  // namespace

BranchPoint find_branch_point(const std::string& spec, const Config& c) {
  if (ends_with(spec, ".ckpt")) return from_checkpoint(spec, c);
  if (ends_with(spec, ".vti")) return from_output(spec, read_vti_time(spec), c);
  const auto colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
    throw InputError(fmt::format(
        "--from {}: expected RUN:TIME (a run directory and a tissue time, e.g. results/base:84d), "
        "a .ckpt or a .vti file",
        spec));
  return from_run(spec.substr(0, colon), spec.substr(colon + 1), spec, c);
}

template <class T>
void restore_branch(Stepper<T>& run, const BranchPoint& p) {
  HostFields<T> f = run.fields();
  if (p.checkpoint) {
    read_checkpoint_fields(FileSource(p.file), p.header, f);
  } else {
    for (std::size_t s = 0; s < f.species.size(); ++s) {
      auto& sp = f.species[s];
      const std::vector<double>& v = p.values[s];
      const Box& b = f.box;
      std::size_t n = 0;
      for (int k = 0; k < b.nz; ++k)
        for (int j = 0; j < b.ny; ++j)
          for (int i = 0; i < b.nx; ++i) sp.u[b.idx(i, j, k)] = T(v[n++]);
    }
  }
  run.restore(std::move(f), p.time, p.steps, p.events);
}

template void restore_branch<float>(Stepper<float>&, const BranchPoint&);
template void restore_branch<double>(Stepper<double>&, const BranchPoint&);

}  // namespace lobule

#include <fmt/format.h>

#include <algorithm>

#include <cmath>
#include <optional>

#include "commands.hpp"
#include "geometry/geometry.hpp"
#include "host/config/stability.hpp"
#include "host/model/model.hpp"
#include "host/sim/backend.hpp"
#include "host/sim/build_fields.hpp"
#include "host/sim/memory_estimate.hpp"
#include "host/sim/steady_cache.hpp"
#include "host/sim/stepper.hpp"
#include "scheme_table.hpp"

namespace lobule {
namespace {

// Above this size `check` does not generate the geometry (it takes seconds per 10^8 voxels).
constexpr long long kCheckGeometryVoxels = 300'000'000;

std::string bytes(std::size_t b) {
  const double x = double(b);
  if (x >= 1 << 30) return fmt::format("{:.2f} GiB", x / (1 << 30));
  if (x >= 1 << 20) return fmt::format("{:.1f} MiB", x / (1 << 20));
  return fmt::format("{:.0f} KiB", x / 1024);
}

}  // namespace

int cmd_check(const CommonArgs& a) {
  const Config c = load_config(a.config, a.set);
  // Read what `run` reads before saying valid: the geometry (an image file whole) and every
  // initial file. Not for grids too large to generate quickly.
  const long long n = (long long)c.cells[0] * c.cells[1] * c.cells[2];
  std::optional<Geometry> g;
  if (n <= kCheckGeometryVoxels) {
    g = make_geometry(c);
    check_initial_files(c, *g);
  }
  YAML::Emitter out;
  out << resolved_yaml(c);
  fmt::print("# {}: valid. Resolved configuration (units: um, s):\n{}\n\n", a.config, out.c_str());

  const long long voxels = (long long)c.cells[0] * c.cells[1] * c.cells[2];
  fmt::print("grid: {} x {} x {} = {} voxels\n", c.cells[0], c.cells[1], c.cells[2], voxels);
  fmt::print("geometry: {}\n", describe_geometry(c));
  print_warnings(c);
  if (c.model_impl && g)
    for (const auto& line : c.model_impl->describe_schedule(*g)) fmt::print("{}\n", line);
  if (c.geometry.kind != "box" && g)
    print_label_fractions(*g);
  else if (!g)
    fmt::print(
        "label fractions and initial files: not read for more than {} voxels (lobule geometry "
        "and lobule run read them)\n",
        kCheckGeometryVoxels);
  const auto cpu = estimate_memory(c, BackendChoice::Cpu);
  const auto gpu = estimate_memory(c, BackendChoice::Cuda);
  fmt::print("memory: cpu backend {} host; cuda backend {} host + {} GPU", bytes(cpu.host_bytes),
             bytes(gpu.host_bytes), bytes(gpu.device_bytes));
  if (const std::size_t avail = host_memory_available())
    fmt::print(" (host available: {})", bytes(avail));
  fmt::print("\n");
  // The solver state is the part that grows with the grid and that the GPU must hold; its
  // arrays include the one-voxel halo, which weighs on small or thin grids.
  const double per_voxel = double(gpu.state_bytes) / std::max(1.0, gpu.padded_voxels);
  fmt::print(
      "solver state: {} ({:.1f} bytes per voxel, {:.1f} per voxel and field, {} scheme, {} "
      "precision; the one-voxel halo adds {:.0f} % to the grid)\n",
      bytes(gpu.state_bytes), per_voxel, per_voxel / double(std::max<std::size_t>(1, gpu.fields)),
      to_string(c.time.scheme), to_string(c.precision),
      100.0 * (gpu.padded_voxels / std::max(1.0, gpu.interior_voxels) - 1.0));
  fmt::print("{}", scheme_table(c));
  double limit = INFINITY;
  for (const auto& s : c.species)
    limit = std::min(limit, explicit_dt_limit(s.diffusivity, s.decay, c.spacing));
  // The steps the run takes: dt, shortened to land on outputs and model events and by the
  // model's own step limit (an EV pulse); counted up to 10^7.
  constexpr long long kCountSteps = 10000000;
  const long long steps = count_steps(c, kCountSteps);
  const std::string step_count =
      steps > kCountSteps ? fmt::format("more than {}", kCountSteps) : fmt::format("{}", steps);
  // The explicit limit binds only the explicit scheme; rkl2 is stable for any dt.
  fmt::print("time step: dt = {:.6g} s{} ({} {:.4g} s), {} steps to {:g} s, scheme {}\n", c.time.dt,
             c.time.dt_auto ? " (auto)" : "",
             c.time.scheme == Scheme::Explicit ? "limit" : "explicit limit would be", limit,
             step_count, c.time.end, to_string(c.time.scheme));
  if (const auto start = c.model_impl ? c.model_impl->steady_start() : Model::SteadyStart{};
      start.wanted) {
    const SteadyCache cache = SteadyCache::from_environment();
    const std::string key = cache.enabled() ? SteadyCache::key(c, resolve_backend(c.backend)) : "";
    fmt::print("steady start ({}): {}\n", start.what,
               !cache.enabled() ? "solved at start-up (the cache is off)"
               : cache.has(key) ? "in the cache, " + cache.file_for(key)
                                : "solved at start-up, then kept in " + cache.folder());
  }
  fmt::print("backend: {} requested; this build: cpu{}\n", to_string(c.backend),
             cuda_compiled()
                 ? (cuda_available() ? ", cuda (GPU visible)" : ", cuda (no GPU visible)")
                 : "");
  return 0;
}

}  // namespace lobule

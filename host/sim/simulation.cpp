#include "simulation.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "backend.hpp"
#include "build_fields.hpp"
#include "build_info.hpp"
#include "geometry/geometry.hpp"
#include "host/io/atomic_file.hpp"
#include "host/io/run_log.hpp"
#include "observables.hpp"
#include "output_writer.hpp"

namespace lobule {
namespace {

void write_resolved_config(const std::string& dir, const Config& c, const char* backend) {
  YAML::Node n = resolved_yaml(c);
  n["build"]["version"] = LOBULE_VERSION;
  n["build"]["git"] = LOBULE_GIT;
  n["build"]["build_type"] = LOBULE_BUILD_TYPE;
  n["build"]["cuda"] = cuda_compiled();
  n["build"]["backend_used"] = backend;
  YAML::Emitter out;
  out << n;
  write_file_atomic(dir + "/config.yaml",
                    "# Resolved configuration written by lobule; units are um and s.\n" +
                        std::string(out.c_str()) + "\n");
}

template <class T>
RunSummary run_typed(const Config& c, const RunOptions& opt, BackendChoice which) {
  const auto wall0 = std::chrono::steady_clock::now();
  RunSummary sum;
  sum.out_dir = output_dir(c, opt);
  make_directories(sum.out_dir);
  auto backend = make_backend<T>(which);
  sum.backend = backend->name();
  write_resolved_config(sum.out_dir, c, backend->name());
  RunLog log(sum.out_dir + "/log.txt", opt.quiet);
  log.info(fmt::format("lobule {} ({}), scenario '{}' from {}", LOBULE_VERSION, LOBULE_GIT, c.name,
                       c.file));
  log.info(fmt::format("grid {}x{}x{} voxels of {} um, {} species, {} precision, backend {}{}",
                       c.cells[0], c.cells[1], c.cells[2], c.spacing[0], c.species.size(),
                       to_string(c.precision), backend->name(),
                       std::string(backend->name()) == "cpu"
                           ? fmt::format(" ({} OpenMP threads)", omp_get_max_threads())
                           : ""));

  const Geometry g = make_geometry(c);
  HostFields<T> f = build_fields<T>(c, g);
  backend->upload(f);
  OutputWriter<T> out(sum.out_dir, c, g);
  out.write(0.0, f);

  const double end = c.time.end, dt = c.time.dt, every = c.output.every;
  log.info(fmt::format("time 0 to {} with dt = {} s ({}), output every {}", human_time(end), dt,
                       to_string(c.time.scheme), every > 0 ? human_time(every) : "end only"));
  double t = 0;
  long long step = 0, k = 0;  // k: outputs written after t = 0
  while (t < end) {
    const double target = every > 0 ? std::min(end, double(k + 1) * every) : end;
    const double h = std::min(dt, target - t);
    backend->step(T(h));
    ++step;
    // Land exactly on output times so they do not drift with round-off.
    t = (target - (t + h) <= 1e-9 * dt) ? target : t + h;
    log.progress(t, end, step);
    if (t == target) {
      ++k;
      backend->download(f);
      check_finite_non_negative(f, g, t, step);
      out.write(t, f);
    }
  }
  sum.steps = step;
  sum.t_end = t;
  sum.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  log.info(fmt::format("done: {} steps, {} outputs, {:.3g} s wall, {:.3g} steps/s", step,
                       out.count(), sum.wall_seconds, double(step) / sum.wall_seconds));
  return sum;
}

}  // namespace

std::string output_dir(const Config& c, const RunOptions& opt) {
  return opt.out_dir.empty() ? "results/" + c.name : opt.out_dir;
}

RunSummary run_simulation(const Config& c, const RunOptions& opt) {
  const BackendChoice which = resolve_backend(opt.backend.value_or(c.backend));
  return c.precision == Precision::Double ? run_typed<double>(c, opt, which)
                                          : run_typed<float>(c, opt, which);
}

}  // namespace lobule

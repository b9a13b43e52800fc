#include "simulation.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "backend.hpp"
#include "build_info.hpp"
#include "clip_report.hpp"
#include "geometry/geometry.hpp"
#include "host/io/atomic_file.hpp"
#include "host/io/run_log.hpp"
#include "observables.hpp"
#include "output_writer.hpp"
#include "stepper.hpp"

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
  sum.backend = which == BackendChoice::Cuda ? "cuda" : "cpu";
  write_resolved_config(sum.out_dir, c, sum.backend.c_str());
  RunLog log(sum.out_dir + "/log.txt", opt.quiet);
  log.info(fmt::format("lobule {} ({}), scenario '{}' from {}", LOBULE_VERSION, LOBULE_GIT, c.name,
                       c.file));
  log.info(fmt::format(
      "grid {}x{}x{} voxels of {} um, {} species, {} precision, backend {}{}", c.cells[0],
      c.cells[1], c.cells[2], c.spacing[0], c.species.size(), to_string(c.precision), sum.backend,
      sum.backend == "cpu" ? fmt::format(" ({} OpenMP threads)", omp_get_max_threads()) : ""));

  Stepper<T> run(c, which);
  OutputWriter<T> out(sum.out_dir, c, run.geometry());
  out.write(0.0, run.fields());

  const double end = c.time.end, every = c.output.every;
  log.info(fmt::format("time 0 to {} with dt = {} s ({}), output every {}", human_time(end),
                       c.time.dt, to_string(c.time.scheme),
                       every > 0 ? human_time(every) : "end only"));
  const auto progress = [&](double t, long long steps) { log.progress(t, end, steps); };
  std::vector<double> clip_reported;
  for (long long k = 1; run.time() < end; ++k) {
    const double target = every > 0 ? std::min(end, double(k) * every) : end;
    run.advance_to(target, progress);
    const HostFields<T>& f = run.fields();
    check_finite_non_negative(f, run.geometry(), run.time(), run.steps());
    out.write(run.time(), f);
    for (const auto& w : clip_warnings(f, run.clipped_mass(), clip_reported)) log.info(w);
  }
  const long long step = run.steps();
  const double t = run.time();
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

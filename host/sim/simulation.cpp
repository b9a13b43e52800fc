#include "simulation.hpp"
#include "run_dir.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "backend.hpp"
#include "branch.hpp"
#include "build_info.hpp"
#include "checkpointing.hpp"
#include "clip_report.hpp"
#include "geometry/geometry.hpp"
#include "host/errors.hpp"
#include "host/io/atomic_file.hpp"
#include "host/io/checkpoint_store.hpp"
#include "host/io/run_log.hpp"
#include "host/model/model.hpp"
#include "kernels/cpu/diffusion_cpu_isa.hpp"
#include "memory_estimate.hpp"
#include "observables.hpp"
#include "output_writer.hpp"
#include "provenance.hpp"
#include "restart.hpp"
#include "run_signals.hpp"
#include "stepper.hpp"
#include "stopwatch.hpp"
#include "test_hooks.hpp"

namespace lobule {
namespace {

// DIR/config.yaml: the resolved scenario (itself a valid scenario) and, under `build`, how the
// run was made: the lobule build, the command, machine, device and times, and the fields'
// titles and units for figures. Written at the start and again at the end (with the wall time).
void write_resolved_config(const std::string& dir, const Config& c, const char* backend,
                           const Provenance& p) {
  YAML::Node n = resolved_yaml(c);
  if (!p.branched_from.empty()) n["build"]["branched_from"] = p.branched_from;
  n["build"]["command"] = p.command.empty() ? std::string("(not recorded)") : p.command;
  n["build"]["host"] = p.host;
  n["build"]["device"] = p.device;
  n["build"]["started"] = p.started;
  if (p.wall_seconds >= 0) {
    n["build"]["finished"] = p.finished;
    n["build"]["wall_seconds"] = fmt::format("{:.3f}", p.wall_seconds);
  }
  if (c.model_impl)
    for (const auto& f : c.model_impl->fields()) {
      n["build"]["fields"][f.name]["title"] = f.title.empty() ? f.name : f.title;
      n["build"]["fields"][f.name]["unit"] = f.unit;
    }
  n["build"]["version"] = LOBULE_VERSION;
  n["build"]["git"] = LOBULE_GIT;
  n["build"]["build_type"] = LOBULE_BUILD_TYPE;
  n["build"]["cuda"] = cuda_compiled();
  n["build"]["backend_used"] = backend;
  YAML::Emitter out;
  out << n;
  write_file_atomic(dir + "/config.yaml", std::string(kConfigMarker) + "; units are um and s.\n" +
                                              std::string(out.c_str()) + "\n");
}

void log_start(RunLog& log, const Config& c, const std::string& backend) {
  log.info(fmt::format("lobule {} ({}), scenario '{}' from {}", LOBULE_VERSION, LOBULE_GIT, c.name,
                       c.file));
  log.info(fmt::format(
      "grid {}x{}x{} voxels of {} um, {} species, {} precision, backend {}{}", c.cells[0],
      c.cells[1], c.cells[2], c.spacing[0], c.species.size(), to_string(c.precision), backend,
      backend == "cpu" ? fmt::format(" ({} OpenMP threads, {} loops)", omp_get_max_threads(),
                                     cpu::cpu_isa_name(cpu::cpu_isa()))
                       : ""));
}

// Wall seconds of a run's phases, for the log's closing line: where its time goes. A GPU step
// returns before its kernels end, so the steps' phase waits for them (Backend::finish).
struct PhaseSeconds {
  double steps = 0;    // the steps, with the checkpoints due between outputs
  double checks = 0;   // the state's copy to the host and its finite/non-negative check
  double outputs = 0;  // handing the outputs to the writers (the VTK files, the CSV row), the
                       // checkpoints at outputs, and waiting for the writers at the end
};

// The time loop: outputs at the schedule's times, checkpoints when due, the NaN test hook.
template <class T>
void advance_with_outputs(const Config& c, const RunOptions& opt, Stepper<T>& run,
                          OutputWriter<T>& out, Checkpointer<T>& ck, RunLog& log,
                          PhaseSeconds& phase) {
  const OutputSchedule when{c.time.end, c.output.every};
  log.info(fmt::format("time {} to {} with dt = {} s ({}), output every {}{}",
                       human_time(run.time()), human_time(when.end), c.time.dt,
                       to_string(c.time.scheme),
                       when.every > 0 ? human_time(when.every) : "end only",
                       out.background() ? " (written in the background)" : ""));
  log.start_stepping(run.time(), run.steps());
  const long long nan_step = test_nan_step();
  double target = 0;
  const auto on_step = [&](double t, long long steps) {
    log.progress(t, when.end, steps);
    if (opt.progress) opt.progress(t, when.end, steps);
    if (steps == nan_step) inject_nan(run);
    ck.at_boundary(run, out.count(), t >= target);
  };
  std::vector<double> clip_reported;
  try {
    for (long long k = when.first_after(run.time()); run.time() < when.end; ++k) {
      target = when.time(k);
      Stopwatch watch;
      run.advance_to(target, on_step);
      run.finish();
      phase.steps += watch.lap();
      run.check_state();
      phase.checks += watch.lap();
      const HostFields<T>& f = run.fields();
      out.write(run.time(), f);
      for (const auto& w : clip_warnings(f, run.clipped_mass(), clip_reported)) log.info(w);
      if (const std::string s = solver_summary(f, run.solver_tally()); !s.empty()) log.detail(s);
      ck.at_boundary(run, out.count(), false);
      phase.outputs += watch.lap();
    }
    Stopwatch watch;
    out.flush();
    ck.at_end(run, out.count());
    phase.outputs += watch.lap();
  } catch (const Interrupted& e) {  // the terminal or pipe may be gone: the log keeps it
    log.info(fmt::format("interrupted: {}", e.what()));
    throw;
  } catch (const NumericalError& e) {
    throw NumericalError(fmt::format("{}; {}", e.what(), ck.last_good()));
  } catch (const IoError& e) {  // a full disk, a lost file system: say what survives
    throw IoError(fmt::format("{}\n  {}", e.what(), ck.continue_hint()));
  }
}

// Writer threads of background outputs: LOBULE_OUTPUT_WRITERS (1–16), else one per four
// processors, 1 to 4 (a zlib output is one thread's work: several outputs in flight keep a
// GPU run's outputs from queueing behind each other; two cores keep one for the solver).
int output_writers() {
  if (const char* env = std::getenv("LOBULE_OUTPUT_WRITERS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n >= 1 && n <= 16) return int(n);
    throw InputError(fmt::format(
        "LOBULE_OUTPUT_WRITERS={}: expected a whole number of output writer threads from 1 to "
        "16; set one or unset the variable (default: one per four processors)",
        env));
  }
  return int(std::clamp(std::thread::hardware_concurrency() / 4, 1u, 4u));
}

template <class T>
RunSummary run_typed(const Config& c, const RunOptions& opt, BackendChoice which) {
  Stopwatch wall;
  RunSummary sum;
  sum.out_dir = output_dir(c, opt);
  sum.backend = which == BackendChoice::Cuda ? "cuda" : "cpu";
  // Everything that can refuse the run does so before anything is written or allocated.
  // Outputs written by threads of their own while the run goes on (output.background; auto:
  // unless the machine has a single processor to share between the writers and the solver).
  const bool background = c.output.background == "on" || (c.output.background == "auto" &&
                                                          std::thread::hardware_concurrency() != 1);
  const int writers = background ? output_writers() : 0;
  std::optional<RestartPoint> restart;
  std::optional<BranchPoint> branch;
  if (!opt.restart.empty() && !opt.from.empty())
    throw InputError(
        "--restart continues this run's own checkpoint, --from starts a branch from another "
        "run's state: give one of them");
  if (!opt.restart.empty()) restart = find_restart_point(opt.restart, sum.out_dir, c);
  if (!opt.from.empty()) branch = find_branch_point(opt.from, c);
  check_memory(c, which);
  if (!restart) {  // a fresh run would clear an earlier run's outputs: none may be an input
    std::vector<std::string> inputs;
    if (c.geometry.kind == "file") inputs.push_back(c.geometry.path);
    for (const auto& s : c.species)
      if (s.initial.kind == InitialKind::File) inputs.push_back(s.initial.path);
    if (c.model_impl)
      for (const auto& f : c.model_impl->input_files()) inputs.push_back(f);
    if (branch) inputs.push_back(branch->file);
    refuse_inputs_in_earlier_run(inputs, sum.out_dir);
  }
  make_directories(sum.out_dir);
  const RunDirLock lock(sum.out_dir);  // one run at a time in a folder
  std::vector<std::string> removed;
  if (!restart) removed = clear_earlier_run(sum.out_dir);
  Provenance prov;
  prov.command = opt.command;
  prov.started = utc_now();
  prov.host = host_name();
  prov.device = device_description(which);
  if (branch) prov.branched_from = fmt::format("{} (t = {} s)", branch->file, branch->time);
  write_resolved_config(sum.out_dir, c, sum.backend.c_str(), prov);
  RunLog log(sum.out_dir + "/log.txt", opt.quiet, restart.has_value());
  log_start(log, c, sum.backend);
  if (!removed.empty())
    log.info(fmt::format("removed the outputs of an earlier run in {}: {} file(s) ({}{})",
                         sum.out_dir, removed.size(), removed.front(),
                         removed.size() > 1 ? ", ..." : ""));
  const SignalGuard signals;

  StartOptions start;
  start.settle = !restart && !branch;  // a restart or branch replaces the fields
  start.note = [&log](const std::string& line) { log.info(line); };
  // The set-up (a healthy start may take minutes) can be interrupted too: the log says so.
  Stepper<T> run = [&]() {
    try {
      return Stepper<T>(c, which, start);
    } catch (const Interrupted& e) {
      log.info(fmt::format("interrupted: {}; no checkpoint was written: the run must start again",
                           e.what()));
      throw;
    }
  }();
  if (restart) {
    for (const auto& w : restart->warnings) log.info("warning: " + w);
    restore_from(run, *restart);
    // `latest` names this run's start from now on: a later `--restart latest` after this run
    // ends without a checkpoint of its own (killed, checkpoint.every: 0) continues from here,
    // where timeseries.csv and fields.pvd were cut, not from a checkpoint of the future this
    // run rewrites (its rows would be missing).
    const CheckpointStore store(sum.out_dir + "/checkpoints");
    std::error_code ec;
    const std::string named = store.latest();
    if (named.empty() || !std::filesystem::equivalent(named, restart->file, ec)) {
      store.point_latest_at(restart->file);
      log.info(fmt::format("latest now names {}, the checkpoint this run continues from",
                           restart->file));
    }
    log.info(fmt::format("restart from {}: t = {}, step {}, {} outputs kept", restart->file,
                         human_time(run.time()), run.steps(), restart->header.outputs));
  }
  if (branch) {
    restore_branch(run, *branch);
    log.info(fmt::format("branch from {} ({}): t = {}, {} doses applied before it", branch->file,
                         branch->checkpoint ? "a checkpoint" : "an output", human_time(run.time()),
                         branch->events));
    for (const auto& d : branch->differences) log.info("  differs from its source: " + d);
  }
  run.on_event([&](std::size_t k, std::size_t of, double t) {
    const std::string what = c.model_impl->describe_event(k, run.geometry());
    log.info(fmt::format("dose {} of {} at t = {}{}{}", k + 1, of, human_time(t),
                         what.empty() ? "" : ": ", what));
  });
  OutputWriter<T> out(sum.out_dir, c, run.geometry(), restart ? restart->header.outputs : 0,
                      writers);
  if (out.rebuilt_index())
    log.info(
        fmt::format("warning: {}/fields.pvd was missing or damaged; rebuilt from the {} "
                    "output files",
                    sum.out_dir, out.count()));
  Checkpointer<T> ck(c, sum.out_dir, log, run.time());
  ck.before_write([&out] { out.flush(); });
  if (restart) ck.started_from(restart->file, run.time(), run.steps());
  PhaseSeconds phase;
  if (!restart) {
    Stopwatch watch;
    out.write(run.time(), run.fields());
    phase.outputs += watch.lap();
  }

  advance_with_outputs(c, opt, run, out, ck, log, phase);
  sum.steps = run.steps();
  sum.t_end = run.time();
  sum.wall_seconds = wall.lap();
  prov.wall_seconds = sum.wall_seconds;
  prov.finished = utc_now();
  write_resolved_config(sum.out_dir, c, sum.backend.c_str(), prov);
  const long long here = run.steps() - (restart  ? restart->header.steps
                                        : branch ? branch->steps
                                                 : 0);
  log.info(fmt::format("done: {} steps, {} outputs, {:.3g} s wall, {:.3g} steps/s", sum.steps,
                       out.count(), sum.wall_seconds, double(here) / log.stepping_seconds()));
  const auto& setup = run.setup_seconds();
  log.info(fmt::format(
      "wall time: steps {:.3g} s, state checks {:.3g} s, outputs {:.3g} s, set-up {:.3g} s "
      "(geometry {:.3g} s, initial fields {:.3g} s, steady start {:.3g} s, backend and upload "
      "{:.3g} s)",
      phase.steps, phase.checks, phase.outputs,
      sum.wall_seconds - phase.steps - phase.checks - phase.outputs, setup.geometry, setup.fields,
      setup.steady, setup.upload));
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

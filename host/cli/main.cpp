// The lobule command line: run | check | geometry | info, and sweep | sensitivity | calibrate
// (the Python package's drivers). Errors map to documented exit codes.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "commands.hpp"
#include "geometry/vtk_messages.hpp"
#include "host/errors.hpp"
#include "host/io/run_log.hpp"
#include "host/sim/exit_report.hpp"
#include "kernels/cpu/diffusion_cpu_isa.hpp"
#include "process_setup.hpp"

namespace {

int report(const char* kind, const std::string& what, int code) {
  std::fprintf(stderr, "lobule: %s: %s\n", kind, what.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lobule;
  open_closed_standard_streams();  // before any file is opened: none may take fd 0, 1 or 2
  silence_vtk_output();            // VTK's own reports would bury our messages; readers keep them
  if (argc > 1 && is_python_command(argv[1])) return cmd_python(argc, argv);
  CLI::App app{"lobule: reaction-diffusion on the liver lobule (MSC / MSC-EV therapy of fibrosis)"};
  app.require_subcommand(1);
  app.footer(
      "Also, run by the Python package with the project's environment (.venv; docs/sweeps.md):\n"
      "  sweep SWEEP.yaml [--out DIR] [--jobs N]   runs a scenario over a design, in parallel\n"
      "  sensitivity SWEEP_DIR                     PRCC and Sobol indices of a finished sweep\n"
      "  calibrate CAL.yaml                        fits parameters to data, with intervals");
  app.set_version_flag("--version", std::string("lobule ") + "0.1.0");

  CommonArgs common;
  std::string out_dir, out_file, backend_name, restart, from;
  bool quiet = false, name_with_sets = false;

  auto* run = app.add_subcommand("run", "run a scenario and write its results");
  run->add_option("config", common.config, "scenario YAML file")->required();
  run->add_option("-o,--output", out_dir, "output directory (default results/<name>)");
  run->add_option("--backend", backend_name, "compute backend")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  run->add_option("--set", common.set, "override a config key: key.path=value (repeatable)");
  run->add_option("--restart", restart,
                  "continue from a checkpoint: 'latest' (DIR/checkpoints/latest) or a file");
  run->add_option(
      "--from", from,
      "start a branch from another run's state, tissue time continuing: RUN:TIME "
      "(e.g. results/base:84d; its checkpoint or output at that time), a .ckpt or .vti");
  run->add_flag("--name-with-sets", name_with_sets,
                "add the --set overrides to the run's name and default folder "
                "(results/msc_portal_dose-2e6)");
  run->add_flag("-q,--quiet", quiet, "plain log lines instead of a live progress line");

  std::string inputs_dir;
  auto* demo = app.add_subcommand(
      "demo", "run the default scenario: the production lobule on a GPU, a coarse one on a CPU");
  demo->add_option("-o,--output", out_dir, "output directory (default results/demo)");
  demo->add_option("--backend", backend_name, "compute backend")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  demo->add_option("--set", common.set, "override a config key: key.path=value (repeatable)");
  demo->add_option("--inputs", inputs_dir,
                   "the repository's inputs folder (default ./inputs, else the source tree's)");
  demo->add_flag("-q,--quiet", quiet, "plain log lines instead of a live progress line");

  auto* check = app.add_subcommand("check", "validate a scenario and print what it will need");
  check->add_option("config", common.config, "scenario YAML file")->required();
  check->add_option("--set", common.set, "override a config key: key.path=value (repeatable)");

  auto* geom = app.add_subcommand("geometry", "write the voxelized geometry of a scenario");
  geom->add_option("config", common.config, "scenario YAML file")->required();
  geom->add_option("-o,--output", out_file, "output .vti file")->required();
  geom->add_option("--set", common.set, "override a config key: key.path=value (repeatable)");

  app.add_subcommand("info", "version, build options, backends and GPUs");

  // CLI11 answers an unknown command with "A subcommand is required": say what it is instead.
  if (argc > 1 && argv[1][0] != '-') {
    const std::string cmd = argv[1];
    if (cmd != "run" && cmd != "demo" && cmd != "check" && cmd != "geometry" && cmd != "info") {
      std::fprintf(stderr,
                   "lobule: unknown command '%s': use run, demo, check, geometry, info, sweep, "
                   "sensitivity or calibrate "
                   "(lobule --help)\n",
                   cmd.size() > 60 ? (cmd.substr(0, 57) + "...").c_str() : cmd.c_str());
      return kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  // An empty -o (an unset shell variable) would fall back to results/<name> and clear an earlier
  // run there; a geometry written over its own scenario or into a non-.vti name loses a file.
  if ((*run && run->count("-o") > 0 && out_dir.empty()) ||
      (*demo && demo->count("-o") > 0 && out_dir.empty()) ||
      (*geom && geom->count("-o") > 0 && out_file.empty()))
    return report("usage error", "-o is empty (an unset variable?): name the output", kExitUsage);
  if (*geom) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const std::string ext = fs::path(out_file).extension().string();
    if (ext != ".vti" && ext != ".VTI")
      return report("usage error",
                    fmt::format("-o {}: the geometry is written as VTK image data; name a .vti "
                                "file",
                                out_file),
                    kExitUsage);
    if (fs::exists(out_file, ec) && fs::equivalent(out_file, common.config, ec))
      return report("usage error",
                    fmt::format("-o {} is the scenario itself: name another .vti file", out_file),
                    kExitUsage);
  }
  if (const std::string w = cap_openmp_threads(); !w.empty())
    std::fprintf(stderr, "lobule: warning: %s\n", w.c_str());
  if (const char* isa = std::getenv("LOBULE_CPU_ISA")) {
    const std::string v = isa;
    if (v != "portable" && v != "avx2")
      return report("usage error",
                    fmt::format("LOBULE_CPU_ISA={}: expected portable or avx2 (or unset it: the "
                                "widest the processor has)",
                                v),
                    kExitUsage);
    if (v == "avx2" && !cpu::cpu_isa_available(cpu::CpuIsa::Avx2))
      return report("usage error",
                    "LOBULE_CPU_ISA=avx2: this build or processor has no AVX2 loops; use "
                    "portable or unset it",
                    kExitUsage);
  }
  try {
    std::optional<BackendChoice> b;
    if (backend_name == "cpu") b = BackendChoice::Cpu;
    if (backend_name == "cuda") b = BackendChoice::Cuda;
    if (backend_name == "auto") b = BackendChoice::Auto;
    std::string command;  // for config.yaml: the command line as a shell would take it
    for (int i = 0; i < argc; ++i) command += (i ? " " : "") + shell_quote(argv[i]);
    if (*run) return cmd_run(common, out_dir, b, quiet, restart, from, command, name_with_sets);
    if (*demo) return cmd_demo(common, inputs_dir, out_dir, b, quiet, command);
    if (*check) return cmd_check(common);
    if (*geom) return cmd_geometry(common, out_file);
    return cmd_info();
  } catch (...) {  // the documented exit codes (host/sim/exit_report.hpp)
    const ExitReport r = exit_report(std::current_exception());
    return report(r.kind.c_str(), r.what, r.code);
  }
}

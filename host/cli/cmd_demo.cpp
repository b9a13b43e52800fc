// lobule demo: the default scenario at the resolution this machine runs in reasonable time — the
// production lobule (inputs/production/demo.yaml, 5 µm voxels) on a GPU, the same scenario
// coarsened to 20 µm voxels on a CPU (3-D, volume fractions: a consistent approximation of it,
// docs/convergence.md) — saying which it ran.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "host/errors.hpp"
#include "host/sim/backend.hpp"

namespace lobule {
namespace {

// What the demo runs: the scenario file, its --sets, and a sentence saying which it is.
struct DemoChoice {
  std::string config;
  std::vector<std::string> set;
  std::string what;
};

DemoChoice demo_choice(bool gpu, const std::string& inputs_dir) {
  DemoChoice d;
  d.config = (std::filesystem::path(inputs_dir) / "production" / "demo.yaml").string();
  d.set = {"name=demo"};
  if (gpu) {
    d.what =
        "the production lobule (5 um voxels, 120 x 104 x 10, 3-D, volume fractions) on the GPU";
    return d;
  }
  // 2,340 voxels: about 15 s on 2 cores, 6 of them the cirrhotic start (kept in the cache of
  // steady starts for the next run).
  d.set.insert(d.set.end(), {"grid.spacing=20 um", "geometry.height=60 um",
                             "geometry.sinusoids.allow_coarse=true"});
  d.what =
      "no GPU: the production demo coarsened to 20 um voxels (30 x 26 x 3, 3-D, volume "
      "fractions) on the CPU; on a GPU `lobule demo` runs it at 5 um";
  return d;
}

std::string default_inputs_dir() {
  std::error_code ec;
  if (std::filesystem::exists("inputs/production/demo.yaml", ec)) return "inputs";
  return std::string(LOBULE_SOURCE_DIR) + "/inputs";
}

}  // namespace

int cmd_demo(const CommonArgs& a, const std::string& inputs_dir, const std::string& out_dir,
             std::optional<BackendChoice> backend, bool quiet, const std::string& command) {
  // Asked for cuda, the production lobule (the run then refuses a missing GPU as `run` does);
  // otherwise where the engine's own resolution puts the run.
  const BackendChoice want = backend.value_or(BackendChoice::Auto);
  const bool gpu = want == BackendChoice::Cuda || resolve_backend(want) == BackendChoice::Cuda;
  DemoChoice d = demo_choice(gpu, inputs_dir.empty() ? default_inputs_dir() : inputs_dir);
  std::error_code ec;
  if (!std::filesystem::exists(d.config, ec))
    throw InputError(
        fmt::format("{}: no such file: give the repository's inputs folder with "
                    "--inputs DIR (or run from the repository root)",
                    d.config));
  d.set.insert(d.set.end(), a.set.begin(), a.set.end());  // the user's --set last
  std::fputs(fmt::format("demo: {} ({})\n", d.what, d.config).c_str(), stdout);
  std::fflush(stdout);
  CommonArgs run_args{d.config, d.set};
  return cmd_run(run_args, out_dir, gpu ? BackendChoice::Cuda : BackendChoice::Cpu, quiet, {}, {},
                 command);
}

}  // namespace lobule

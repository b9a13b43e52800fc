/// The subcommands of the lobule executable.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "host/config/config.hpp"

namespace lobule {

struct CommonArgs {
  std::string config;
  std::vector<std::string> set;  ///< --set key.path=value
};

/// lobule run: returns the exit code. restart: "latest", a checkpoint file, or empty; from: a
/// branch's source (RUN:TIME, a .ckpt or .vti), or empty.
/// command: the command line, for config.yaml; name_with_sets: the run's name (and default
/// folder) gains its --set overrides ("msc_portal_dose-2e6").
int cmd_run(const CommonArgs& a, const std::string& out_dir, std::optional<BackendChoice> backend,
            bool quiet, const std::string& restart = {}, const std::string& from = {},
            const std::string& command = {}, bool name_with_sets = false);
/// lobule demo: the production demo (inputs_dir/production/demo.yaml) at 5 um on a GPU,
/// coarsened to 20 um (3-D, volume fractions) on a CPU, for the backend it resolves (a GPU when
/// one is visible, unless --backend says otherwise), printing which; the user's --set come after
/// the choice's. An empty inputs_dir: ./inputs when it holds the scenario, else the source tree's.
int cmd_demo(const CommonArgs& a, const std::string& inputs_dir, const std::string& out_dir,
             std::optional<BackendChoice> backend, bool quiet, const std::string& command);
/// "NAME_key-value_...": the name with each --set's last key part and value (characters a name
/// may not hold become '-'): msc_portal_dose-2e6.
std::string name_with_overrides(const std::string& name, const std::vector<std::string>& sets);
/// lobule check: prints the resolved config, memory and time-step facts.
int cmd_check(const CommonArgs& a);
/// lobule geometry: writes the labels (and zone) of the config's geometry to a .vti file.
int cmd_geometry(const CommonArgs& a, const std::string& out_file);
/// lobule info: version, build options, backends, GPUs.
int cmd_info();
/// True for the commands the Python package runs (sweep, sensitivity, calibrate).
bool is_python_command(const std::string& cmd);
/// Replaces this process with `PYTHON -m lobule ARGV[1..]`; returns an exit code on failure.
int cmd_python(int argc, char** argv);

struct Geometry;
/// Prints the config's warnings to stderr.
void print_warnings(const Config& c);
/// One line naming the geometry kind and its main sizes.
std::string describe_geometry(const Config& c);
/// Voxel counts and the fraction of the tissue per label.
void print_label_fractions(const Geometry& g);

}  // namespace lobule

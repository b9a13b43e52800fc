/// The model layer: a model is its field list, a typed parameter struct read from YAML with
/// units, a per-voxel rates functor (kernels/models/<model>_rates.hpp) and its observables.
/// Adding a model is its own files plus one line in host/model/registry.cpp; the engine and the
/// backends never change (docs/models.md).
#pragma once
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/config/config.hpp"
#include "host/config/config_node.hpp"
#include "host/config/enums.hpp"
#include "kernels/grid.hpp"
#include "kernels/model_kernels.hpp"

namespace lobule {

/// One field of a model: its name (the VTK array and the CSV prefix), unit, and whether it
/// diffuses (a local field has no diffusivity, no halo and no diffusion sweep).
struct FieldSpec {
  std::string name;
  std::string unit;
  bool diffuses = true;
  std::string title;  ///< for figures: "TGF-β", "activated HSCs"; empty: the name
};

/// The state a model's observables read: interior voxels of the padded box, labels (255 =
/// outside), the voxel volume, and field q's value at padded index c.
struct FieldSnapshot {
  Box box;
  double voxel_volume = 0;  ///< [µm³]
  const std::uint8_t* label = nullptr;
  const float* zone = nullptr;  ///< lobule zone per voxel (null: no zones)
  double t = 0;                 ///< tissue time [s]
  std::function<double(std::size_t q, std::size_t c)> u;
  /// The run's geometry (interior order: labels, zone, volume fractions); null: labels only.
  const Geometry* geometry = nullptr;
};

/// Adds amount a [field unit] to field q in interior voxel v (Geometry::at order).
using FieldAdd = std::function<void(std::size_t q, std::size_t v, double a)>;

/// The value [conc] species s holds in vessel voxels of `label` at tissue time t [s].
using VesselValues = std::function<double(std::size_t s, int label, double t)>;

/// A registered reaction model.
class Model {
 public:
  virtual ~Model() = default;
  virtual std::string name() const = 0;
  /// The fields in the order the rates index them; the scenario's species list them so.
  virtual std::vector<FieldSpec> fields() const = 0;
  /// Reads `model.parameters` (undefined: the model's defaults). Errors name file, line, key.
  virtual void parse_parameters(const ConfigNode& parameters) = 0;
  /// The parameters in base units with their units written out, for DIR/config.yaml.
  virtual YAML::Node resolved_parameters() const = 0;
  /// The kernels for the engine of `backend` (cpu or cuda, resolved), in float or double.
  virtual std::shared_ptr<const ModelKernels<float>> kernels_float(BackendChoice backend) const = 0;
  virtual std::shared_ptr<const ModelKernels<double>> kernels_double(
      BackendChoice backend) const = 0;
  /// Keys of the model section besides name and parameters that the model reads.
  virtual std::vector<std::string> scenario_keys() const { return {}; }
  /// Reads those keys of the model section (after the parameters).
  virtual void parse_scenario(const ConfigNode& /*model*/, const Config& /*c*/) {}
  /// Checks the model section against the rest of the parsed config c (time.end, ...);
  /// throws ConfigError naming the key.
  virtual void check_scenario(const ConfigNode& /*model*/, const Config& /*c*/) const {}
  /// The model's species when it defines them itself (the scenario then has no species list);
  /// empty: the scenario's species list names the model's fields.
  virtual std::vector<SpeciesConfig> species() const { return {}; }
  /// The resolved scenario keys, for DIR/config.yaml (written under model:).
  virtual void resolved_scenario(YAML::Node& /*model*/) const {}
  /// Fills u (one vector per field, the geometry's interior voxel order) with the model's own
  /// initial state, or the guess the engine settles from (steady_start); false when the
  /// species' initial conditions apply instead.
  virtual bool initial_state(const Config& /*c*/, const Geometry& /*g*/,
                             std::vector<std::vector<double>>& /*u*/) const {
    return false;
  }
  /// A start the engine settles before the run: the steady state of the model's own equations
  /// (steady_kernels) from initial_state's values, on the run's backend (host/sim/steady_state).
  struct SteadyStart {
    bool wanted = false;
    std::vector<double> pace;  ///< per field: its reactions' pseudo-time factor (1: none)
    /// per field: the level below which it does not matter (its changes count relative to the
    /// larger of this and its largest value; 0: relative to its largest value alone)
    std::vector<double> scale;
    std::string what;  ///< what is solved, for the log and errors
  };
  virtual SteadyStart steady_start() const { return {}; }
  /// The kernels (double precision, for `backend`) whose steady state steady_start asks for.
  virtual std::shared_ptr<const ModelKernels<double>> steady_kernels(
      BackendChoice /*backend*/) const {
    return {};
  }
  /// What the start adds on top of the settled state (u as initial_state's; the settled values).
  virtual void finish_start(const Config& /*c*/, const Geometry& /*g*/,
                            std::vector<std::vector<double>>& /*u*/) const {}
  /// Reads every input file the model's initial state needs and throws InputError for one
  /// that `run` would refuse (so that `lobule check` refuses it too); no-op by default.
  virtual void check_inputs(const Config& /*c*/, const Geometry& /*g*/) const {}
  /// The files the model reads at start-up (a start file), resolved paths.
  virtual std::vector<std::string> input_files() const { return {}; }
  /// True when the model's observables replace the per-field totals and means of
  /// timeseries.csv (the columns are then `time` and the model's own).
  virtual bool replaces_field_columns() const { return false; }
  /// Columns the model adds to timeseries.csv after the per-field totals and means.
  virtual std::vector<std::string> observable_columns() const { return {}; }
  virtual std::vector<double> observables(const FieldSnapshot&) const { return {}; }

  /// Times [s], ascending, at which the model changes the state itself (therapy doses). The
  /// run lands a step on each and applies event k (apply_event) before the step that starts
  /// there, after the output and checkpoint of that time; checkpoints count the events applied.
  virtual std::vector<double> event_times() const { return {}; }
  /// Applies event k on geometry g: adds to the fields through `add`.
  virtual void apply_event(std::size_t /*k*/, const Geometry& /*g*/,
                           const FieldAdd& /*add*/) const {}
  /// What event k is, for the log line when it is applied ("5e+05 MSCs via portal_vein, ...").
  virtual std::string describe_event(std::size_t /*k*/, const Geometry& /*g*/) const { return ""; }
  /// The longest step [s] the model allows at tissue time t (a blood pulse that a step must
  /// resolve); infinite by default. A function of t alone, so restarts stay bit-exact.
  virtual double step_limit(double /*t*/) const { return INFINITY; }
  /// Vessel values that change in time (blood levels after a dose); null: the species' constant
  /// vessel values apply.
  virtual VesselValues vessel_values() const { return {}; }
  /// Lines `lobule check` prints about the model's start state and schedule on geometry g (doses
  /// resolved).
  virtual std::vector<std::string> describe_schedule(const Geometry& /*g*/) const { return {}; }

  template <class T>
  std::shared_ptr<const ModelKernels<T>> kernels(BackendChoice backend) const;
};

template <>
inline std::shared_ptr<const ModelKernels<float>> Model::kernels<float>(BackendChoice b) const {
  return kernels_float(b);
}
template <>
inline std::shared_ptr<const ModelKernels<double>> Model::kernels<double>(BackendChoice b) const {
  return kernels_double(b);
}

/// The registered models' names (host/model/registry.cpp), diffusion_decay not among them.
std::vector<std::string> model_names();

/// A fresh model with default parameters; nullptr for a name that is not registered.
std::unique_ptr<Model> make_model(const std::string& name);

}  // namespace lobule

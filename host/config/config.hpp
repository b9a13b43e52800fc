/// The validated, typed scenario configuration (all quantities in µm and s).
#pragma once
#include <yaml-cpp/yaml.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "enums.hpp"
#include "geometry/geometry.hpp"
#include "geometry/geometry_params.hpp"
#include "kernels/boundary.hpp"
#include "solver_settings.hpp"

namespace lobule {

enum class InitialKind { Uniform, Gaussian, Cosine, File };

/// Most species one scenario may hold (the per-voxel reaction keeps them all in registers).
inline constexpr int kMaxSpecies = 24;

/// Initial concentration of one species.
struct InitialCondition {
  InitialKind kind = InitialKind::Uniform;
  double value = 0;                  ///< uniform value [conc]
  std::array<double, 3> center{};    ///< gaussian centre [µm]
  double sigma = 0;                  ///< gaussian width [µm]
  double peak = 0;                   ///< gaussian peak above background [conc]
  double background = 0;             ///< gaussian background [conc]
  int axis = 0;                      ///< cosine axis (0 = x)
  int modes = 1;                     ///< cosine: A·cos(π·modes·x/L) + B
  double amplitude = 0, offset = 0;  ///< cosine A and B [conc]
  std::string path, array;           ///< file: .vti path (absolute or resolved) and array
};

/// Scar-hindered diffusivity D = D_free/(1 + C/C_half), C the sum of the driver fields.
struct DiffusivityDriver {
  std::vector<std::string> fields;  ///< species whose concentrations add up to C; empty = off
  std::vector<int> field_index;     ///< their positions in Config::species
  double c_half = 0;                ///< C_half [conc]
};

/// A Dirichlet value held in the interior voxels of one label (a vessel).
struct VesselValue {
  int label = 0;     ///< Label value (geometry/labels.hpp)
  double value = 0;  ///< concentration held there [conc]
};

/// One diffusing species of the diffusion–decay model.
struct SpeciesConfig {
  std::string name;
  double diffusivity = 0;  ///< D [µm²/s] (free diffusivity when a driver is set)
  double decay = 0;        ///< λ [1/s]
  double source = 0;       ///< s [conc/s], everywhere in the tissue
  InitialCondition initial;
  DiffusivityDriver driver;          ///< optional variable diffusivity
  std::vector<VesselValue> vessels;  ///< labels whose voxels hold fixed values
};

/// Boundary of one domain face; Dirichlet values per species, in species order.
struct FaceBoundary {
  BoundaryKind kind = BoundaryKind::NoFlux;
  std::vector<double> value;  ///< Dirichlet value held at the face [conc], per species
};

struct TimeConfig {
  double end = 0;        ///< [s]
  double dt = 0;         ///< [s]; 0 in the file means "auto" until resolved
  bool dt_auto = false;  ///< dt chosen by lobule (0.9 × the explicit limit, stability.hpp)
  Scheme scheme = Scheme::Explicit;
  ImplicitControl implicit;  ///< scheme implicit: method and multigrid solver (time.implicit)
};

struct OutputConfig {
  double every = 0;                  ///< [s]; 0 = only at start and end
  std::vector<std::string> fields;   ///< empty = all
  std::string compression = "zlib";  ///< none | zlib | lz4 | lzma
  /// auto | on | off: write each output's files (compression included) on a thread of their own
  /// while the run goes on; auto: on unless the machine has a single processor.
  std::string background = "auto";
};

struct CheckpointConfig {
  double every = 0;       ///< tissue time between checkpoints [s]; 0 = off
  double wall_every = 0;  ///< wall time between checkpoints [s]; 0 = off
  int keep = 3;
};

class Model;

/// A whole validated scenario.
struct Config {
  std::string name;
  std::string file;                 ///< the YAML file it came from
  std::array<double, 3> spacing{};  ///< voxel edge per axis [µm]
  std::array<int, 3> cells{};       ///< voxels per axis
  GeometryConfig geometry;
  std::string model = "diffusion_decay";
  /// The coupled model named by model.name, with its parameters read (null: diffusion_decay,
  /// whose species react by their own decay and source).
  std::shared_ptr<const Model> model_impl;
  std::vector<SpeciesConfig> species;
  std::array<FaceBoundary, 6> boundaries{};
  TimeConfig time;
  OutputConfig output;
  CheckpointConfig checkpoint;
  Precision precision = Precision::Float;
  BackendChoice backend = BackendChoice::Auto;
  std::vector<std::string> warnings;  ///< accepted but doubtful settings, shown to the user
  /// A restart or branch replaces the initial state: its start files (species `initial: {kind:
  /// file}`, the liver's `model.initial: {file}`) are neither checked nor read (they may be gone).
  bool start_replaced = false;
  YAML::Node document;  ///< the document after --set overrides, as read
};

/// Reads, overrides ("key.path=value"), and validates a scenario. Throws ConfigError.
/// start_replaced: the run continues a checkpoint or branches (Config::start_replaced).
Config load_config(const std::string& path, const std::vector<std::string>& overrides = {},
                   bool start_replaced = false);

/// Parses and validates an in-memory document (tests, fuzzing); `file` names it in errors.
Config parse_config(const std::string& yaml_text, const std::string& file,
                    const std::vector<std::string>& overrides = {}, bool start_replaced = false);

/// The resolved config in canonical units (µm, s), as written to DIR/config.yaml.
YAML::Node resolved_yaml(const Config& c);

const char* face_name(int f);  ///< "x_min" ... "z_max"

/// The geometry a config describes (make_geometry of its geometry section, spacing and cells).
inline Geometry make_geometry(const Config& c) {
  return make_geometry(c.geometry, c.spacing, c.cells);
}

}  // namespace lobule

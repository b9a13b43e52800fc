/// The liver fibrosis model (kernels/models/liver_fibrosis_rates.hpp; docs/liver_model.md): its
/// 17 fields, parameter table, scenario keys (model.blood, model.initial, model.injury,
/// model.therapy), initial states, therapy doses and the observables of timeseries.csv.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "kernels/models/liver_fibrosis_cpu.hpp"
#include "kernels/models/liver_fibrosis_rates.hpp"
#include "model_of.hpp"

namespace lobule {

/// How the run starts (model.initial).
enum class LiverStart { Healthy, Cirrhotic, File };

/// One entry of model.therapy as written: a dose, repeated `count` times `every` [s] apart,
/// and its node (errors found after parsing name its keys, file line or --set).
struct TherapyEntry {
  TherapyDose dose;
  double every = 0;
  long long count = 1;
  ConfigNode node;
};

class LiverFibrosis final : public ModelOf<LiverParams, LiverRates> {
 public:
  LiverFibrosis();

  std::string name() const override { return "liver_fibrosis"; }
  std::vector<FieldSpec> fields() const override;
  void parse_parameters(const ConfigNode& n) override;
  std::vector<std::string> scenario_keys() const override;
  void parse_scenario(const ConfigNode& model, const Config& c) override;
  std::vector<SpeciesConfig> species() const override;
  void resolved_scenario(YAML::Node& model) const override;
  bool initial_state(const Config& c, const Geometry& g,
                     std::vector<std::vector<double>>& u) const override;
  SteadyStart steady_start() const override;
  std::shared_ptr<const ModelKernels<double>> steady_kernels(BackendChoice b) const override;
  void finish_start(const Config& c, const Geometry& g,
                    std::vector<std::vector<double>>& u) const override;
  void check_inputs(const Config& c, const Geometry& g) const override;
  std::vector<std::string> input_files() const override {
    return start_ == LiverStart::File ? std::vector<std::string>{start_file_}
                                      : std::vector<std::string>{};
  }
  void check_scenario(const ConfigNode& model, const Config& c) const override;
  std::vector<double> event_times() const override;
  void apply_event(std::size_t k, const Geometry& g, const FieldAdd& add) const override;
  std::string describe_event(std::size_t k, const Geometry& g) const override;
  double step_limit(double t) const override;
  VesselValues vessel_values() const override;
  std::vector<std::string> describe_schedule(const Geometry& g) const override;
  bool replaces_field_columns() const override { return true; }
  std::vector<std::string> observable_columns() const override;
  std::vector<double> observables(const FieldSnapshot& s) const override;

  /// The start the healthy steady state is settled from on geometry g: every field, interior
  /// voxel order.
  std::vector<std::vector<double>> healthy_guess(const Geometry& g) const;

 private:
  /// Every field from model.initial's file (checked as any initial file is).
  std::vector<std::vector<double>> read_start_file(const Config& c, const Geometry& g) const;

  // The therapy schedule (liver_therapy.cpp).
  void parse_therapy(const ConfigNode& therapy);
  void resolved_therapy(YAML::Node& model) const;
  void check_geometry(const Geometry& g) const;
  double cells_placed(const TherapyDose& d, double V_tissue) const;
  double ev_step() const;  ///< the longest step while an EV pulse lasts [s]

  /// The centre of dose d with z wrapped into the grid when the lobule is periodic in z.
  std::array<double, 3> bolus_centre(const TherapyDose& d, const Geometry& g) const;

  std::vector<TherapyEntry> therapy_;
  bool wrap_z_ = false;  ///< a hex lobule periodic in z (geometry.periodic_z): a slab of a lobule
  LiverStart start_ = LiverStart::Healthy;
  std::string start_file_;  ///< model.initial: { file: ... }, resolved against the config
};

}  // namespace lobule

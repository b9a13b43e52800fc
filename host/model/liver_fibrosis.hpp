/// The liver fibrosis model (kernels/models/liver_fibrosis_rates.hpp; docs/liver_model.md): its
/// 17 fields, parameter table, scenario keys (model.blood, model.initial, model.injury,
/// model.therapy), initial states, therapy doses and the observables of timeseries.csv.
#pragma once
#include <string>
#include <vector>

#include "kernels/models/liver_fibrosis_cpu.hpp"
#include "kernels/models/liver_fibrosis_rates.hpp"
#include "model_of.hpp"
#include "therapy_schedule.hpp"

namespace lobule {

/// How the run starts (model.initial).
enum class LiverStart { Healthy, Cirrhotic, File };

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
  void check_scenario(const ConfigNode& model, const Config& c) const override {
    therapy_.check_scenario(model, c, params_);
  }
  std::vector<double> event_times() const override { return therapy_.event_times(params_); }
  void apply_event(std::size_t k, const Geometry& g, const FieldAdd& add) const override {
    therapy_.apply_event(k, g, add, params_);
  }
  std::string describe_event(std::size_t k, const Geometry& g) const override {
    return therapy_.describe_event(k, g, params_);
  }
  double step_limit(double t) const override { return therapy_.step_limit(t, params_); }
  VesselValues vessel_values() const override { return therapy_.vessel_values(params_); }
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

  /// The start and the doses against the geometry (a healthy or cirrhotic start needs portal
  /// veins; TherapySchedule::check_geometry).
  void check_geometry(const Geometry& g) const;

  TherapySchedule therapy_;  ///< model.therapy (therapy_schedule.hpp)
  LiverStart start_ = LiverStart::Healthy;
  std::string start_file_;  ///< model.initial: { file: ... }, resolved against the config
};

}  // namespace lobule

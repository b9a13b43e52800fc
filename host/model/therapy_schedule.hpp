/// The liver model's therapy schedule (model.therapy; docs/liver_model.md, "Therapy"): MSC and EV
/// doses as written, expanded into single doses (LiverParams::dose, which the kernels read for
/// the EV blood pulse), placed on the lobule at their times, and what the run log says of them.
/// LiverFibrosis owns one and hands it its parameters.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "host/config/config_node.hpp"
#include "kernels/models/liver_fibrosis_params.hpp"
#include "model.hpp"

namespace lobule {

struct Config;
struct Geometry;

/// One entry of model.therapy as written: a dose, repeated `count` times `every` [s] apart,
/// and its node (errors found after parsing name its keys, file line or --set).
struct TherapyEntry {
  TherapyDose dose;
  double every = 0;
  long long count = 1;
  ConfigNode node;
};

class TherapySchedule {
 public:
  /// Reads model.therapy (absent: no doses) and writes its single doses, sorted by time, into
  /// p.dose and p.doses. `wrap_z`: the lobule is periodic in z (a bolus centre is wrapped).
  void parse(const ConfigNode& therapy, bool wrap_z, LiverParams& p);
  /// Refuses a dose at or after time.end and EV pulses that would take over a million steps.
  void check_scenario(const ConfigNode& model, const Config& c, const LiverParams& p) const;
  /// model.therapy as resolved (config.yaml).
  void resolved(YAML::Node& model) const;
  /// The doses against the geometry (`portal`: it has portal-vein voxels): liver volumes larger
  /// than the tissue, portal veins for a portal MSC dose, an intrahepatic centre inside the tissue.
  void check_geometry(const Geometry& g, bool portal, const LiverParams& p) const;

  std::vector<double> event_times(const LiverParams& p) const;
  /// Places MSC dose k as a density or as whole cells (an EV dose changes no field: it starts a
  /// blood curve).
  void apply_event(std::size_t k, const Geometry& g, const FieldAdd& add,
                   const LiverParams& p) const;
  std::string describe_event(std::size_t k, const Geometry& g, const LiverParams& p) const;
  /// The longest step at time t: short steps while an EV dose is in the blood, else infinity.
  double step_limit(double t, const LiverParams& p) const;
  /// The vessels' values of ev while EV doses are in the blood (none without EV doses).
  VesselValues vessel_values(const LiverParams& p) const;
  /// The schedule's lines of the run log and `lobule check`.
  std::vector<std::string> describe(const Geometry& g, const LiverParams& p) const;

  /// The cells of MSC dose d that lodge in a tissue of V_tissue [µm³].
  static double cells_placed(const TherapyDose& d, double V_tissue, const LiverParams& p);

 private:
  /// The longest step `since` [s] after an EV dose (portal: infused for t_inj) [s].
  static double ev_step(double since, bool portal, const LiverParams& p);
  /// The steps one EV dose takes alone (check_scenario).
  static double pulse_steps(const LiverParams& p);
  /// Where MSC dose d lodges: a weight per voxel (empty: nowhere).
  std::vector<double> lodging_weights(const TherapyDose& d, const Geometry& g) const;
  /// The voxel of each whole cell of MSC dose k (placement: cells), drawn with its seed.
  std::vector<std::size_t> cell_voxels(std::size_t k, const Geometry& g,
                                       const LiverParams& p) const;
  /// The centre of dose d with z wrapped into the grid when the lobule is periodic in z.
  std::array<double, 3> bolus_centre(const TherapyDose& d, const Geometry& g) const;

  std::vector<TherapyEntry> entries_;
  bool wrap_z_ = false;  ///< a hex lobule periodic in z (geometry.periodic_z): a slab of a lobule
};

}  // namespace lobule

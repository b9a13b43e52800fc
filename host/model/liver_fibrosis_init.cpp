// The liver model's initial states (model.initial): the guess the engine settles to the healthy
// steady state, cirrhosis on the geometry's septa on top of it, or all fields of an earlier run's
// .vti.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "geometry/import_vti.hpp"
#include "geometry/labels.hpp"
#include "host/config/config.hpp"
#include "host/errors.hpp"
#include "host/io/initial_file.hpp"
#include "host/io/vti_io.hpp"
#include "kernels/voxel_class.hpp"
#include "liver_fibrosis.hpp"

namespace lobule {

// The collagen fields take months to settle, the cells days, the diffusing fields hours: in the
// steady-state solve every local field's reactions run this many times faster (2-hour
// pseudo-time steps then move them by 200 hours each). Pseudo-time steps on healthy.yaml at
// 30 / 15 / 10 um with the service's criterion (1e-6 per 2 h of tissue time): 111 / 200 / 382
// (123 / 200 / 418 before the acceleration's restart; collagen 300: 113 / 148 / 404; collagen
// 100 and cells 10: 161 / 242 / 1200). The earlier paces, collagen 24000 (2000 d per step) and
// cells 10, under the earlier criterion (1e-6 per pseudo-time step): 184 / 1565 at 30 / 15 um,
// the cross-linked collagen swinging with MMP and TIMP from step to step; at 10 um collagen 100
// with cells 10 under that criterion had not settled after 500 s. The tissue means agree with a
// solve to 1e-9 within 3.5e-4.
constexpr double kLocalPace = 100;

// The start the engine settles: no scar, hepatocytes at their healthy mass, the resident
// macrophages, everything else at 0 (the steady state is reached from there).
std::vector<std::vector<double>> LiverFibrosis::healthy_guess(const Geometry& g) const {
  std::vector<std::vector<double>> u(kLiverFields, std::vector<double>(g.voxels(), 0.0));
  for (std::size_t v = 0; v < g.voxels(); ++v) {
    if (!LiverRates<double>::has_cells(g.label[v])) continue;
    u[kHep][v] = 1.0;
    u[kMac1][v] = 0.05;
  }
  return u;
}

Model::SteadyStart LiverFibrosis::steady_start() const {
  SteadyStart s;
  s.wanted = start_ != LiverStart::File;
  s.pace.assign(kLiverFields, 1.0);
  for (int q = kLiverDiffusing; q < kLiverFields; ++q) s.pace[std::size_t(q)] = kLocalPace;
  // A field matters at the level where it acts: the cytokines at their half-saturations (TIMP
  // through the MMP it binds), the cells and scar at their own scales (HSCs at 1 % of capacity);
  // EVs are absent.
  const LiverParams& p = params_;
  s.scale = {p.K_tgfb, p.K_tnf, p.K_il10, p.K_hgf, p.K_vegf, p.K_egf,   p.K_mmp, p.K_mmp, 0.0,
             1.0,      0.01,    0.05,     0.05,    p.K_msc,  p.K_cargo, 1.0,     1.0};
  s.what = "the healthy state of the liver model";
  return s;
}

// The healthy liver: the model without injury and without therapy.
std::shared_ptr<const ModelKernels<double>> LiverFibrosis::steady_kernels(BackendChoice b) const {
  LiverParams quiet = params_;
  quiet.injury_periods = 0;
  quiet.doses = 0;
  return kernels_with<double>(b, quiet);
}

std::vector<std::vector<double>> LiverFibrosis::read_start_file(const Config& c,
                                                                const Geometry& g) const {
  std::vector<std::vector<double>> u;
  for (int q = 0; q < kLiverFields; ++q) {
    const std::string name = fields()[std::size_t(q)].name;
    u.push_back(read_initial_values(start_file_, name, name, g, c.precision == Precision::Float));
  }
  // The state belongs to the geometry it was computed on: a file of the same grid but another
  // lobule (stage, seeds, vessel radii) would put scar and cells where this one has none. Its
  // label array, where it has one (outputs write it unless output.fields leaves it out), must
  // be this geometry's.
  const LabelImageInfo info = read_label_image_info(start_file_);
  if (std::find(info.arrays.begin(), info.arrays.end(), "label") != info.arrays.end()) {
    const std::vector<double> lab =
        read_vti_cell_array(start_file_, "label", {g.box.nx, g.box.ny, g.box.nz});
    std::size_t differ = 0, first = 0;
    for (std::size_t v = 0; v < g.voxels(); ++v)
      if (lab[v] != double(g.label[v]) && differ++ == 0) first = v;
    if (differ > 0)
      throw InputError(fmt::format(
          "{} (model.initial): its label array differs from this scenario's geometry in {} of {} "
          "voxels (first at voxel {}: {} in the file, {} here): the start file was computed on "
          "another lobule (fibrosis stage, seeds or radii); start from a file of this geometry",
          start_file_, differ, g.voxels(), first, lab[first], int(g.label[first])));
  }
  return u;
}

void LiverFibrosis::check_geometry(const Geometry& g) const {
  // The healthy state is the steady state the portal blood supplies: without portal veins (a
  // box) there is none, and its solve would grind on without settling.
  const bool portal =
      std::find(g.label.begin(), g.label.end(), std::uint8_t(kPortalVein)) != g.label.end();
  if (start_ != LiverStart::File && !portal)
    throw InputError(fmt::format(
        "model.initial: {}: the healthy state is the steady state that the portal veins supply, "
        "and this geometry has no portal vein voxels (geometry.kind box?); use a lobule geometry "
        "(kind: hex_lobule) or start from a file (model.initial: {{ file: ... }})",
        start_ == LiverStart::Healthy ? "healthy" : "cirrhotic"));
  therapy_.check_geometry(g, portal, params_);
}

// The start state (its cost: the healthy state is solved at start-up) and the therapy schedule.
std::vector<std::string> LiverFibrosis::describe_schedule(const Geometry& g) const {
  std::vector<std::string> out;
  if (start_ == LiverStart::File)
    out.push_back("start: every field from " + start_file_);
  else
    out.push_back(fmt::format(
        "start: {}the healthy steady state, solved at start-up by pseudo-time steps of the run's "
        "scheme on its backend ({} voxels; about a second on the small shipped lobules, hours "
        "at 5 um on 2 cores); model.initial: {{ file: RUN/fields/000000.vti }} "
        "starts from an earlier run's output instead",
        start_ == LiverStart::Cirrhotic ? "cirrhosis on " : "", g.voxels()));
  for (std::string& line : therapy_.describe(g, params_)) out.push_back(std::move(line));
  return out;
}

void LiverFibrosis::check_inputs(const Config& c, const Geometry& g) const {
  check_geometry(g);
  if (start_ == LiverStart::File) read_start_file(c, g);
}

// healthy and cirrhotic: the guess the engine settles to the healthy steady state (steady_start);
// file: every field from an earlier run's output.
bool LiverFibrosis::initial_state(const Config& c, const Geometry& g,
                                  std::vector<std::vector<double>>& u) const {
  check_geometry(g);
  // A restart replaces the state: its start file is not read (it may be gone).
  u = start_ == LiverStart::File && !c.start_replaced ? read_start_file(c, g) : healthy_guess(g);
  return true;
}

// cirrhotic: the healthy state with the geometry's septa as mature scar (collagen + collagen_x =
// 1, 60 % cross-linked), hepatocytes only where the scar leaves room, and activated HSCs in and
// beside the septa.
void LiverFibrosis::finish_start(const Config&, const Geometry& g,
                                 std::vector<std::vector<double>>& u) const {
  if (start_ != LiverStart::Cirrhotic) return;
  const Box& b = g.box;
  auto septum = [&](int i, int j, int k) {
    return i >= 0 && j >= 0 && k >= 0 && i < b.nx && j < b.ny && k < b.nz &&
           g.label[g.at(i, j, k)] == kSeptum;
  };
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t v = g.at(i, j, k);
        if (!LiverRates<double>::has_cells(g.label[v])) continue;
        if (septum(i, j, k)) {
          u[kCollagen][v] = 0.4;
          u[kCollagenX][v] = 0.6;
          u[kHep][v] = std::max(0.0, 1.0 - 1.0 / params_.C_block);
          u[kHsc][v] = 0.3;
        } else if (septum(i - 1, j, k) || septum(i + 1, j, k) || septum(i, j - 1, k) ||
                   septum(i, j + 1, k) || septum(i, j, k - 1) || septum(i, j, k + 1)) {
          u[kHsc][v] = std::max(u[kHsc][v], 0.15);
        }
      }
}

}  // namespace lobule

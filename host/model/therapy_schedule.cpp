// The therapy schedule of the liver model (therapy_schedule.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "geometry/hash_rng.hpp"
#include "geometry/labels.hpp"
#include "host/config/config.hpp"
#include "host/config/units.hpp"
#include "host/errors.hpp"
#include "kernels/models/ev_pharmacokinetics.hpp"
#include "kernels/models/liver_fibrosis_rates.hpp"
#include "msc_compartments.hpp"
#include "therapy_schedule.hpp"

namespace lobule {
namespace {

const char* agent_name(TherapyAgent a) {
  return a == TherapyAgent::Msc ? "msc" : "ev";
}

const char* route_name(TherapyRoute r) {
  switch (r) {
    case TherapyRoute::PortalVein:
      return "portal_vein";
    case TherapyRoute::PeripheralIv:
      return "peripheral_iv";
    case TherapyRoute::Intrahepatic:
      break;
  }
  return "intrahepatic";
}

// Volume of the simulated tissue [µm³]: every voxel inside the lobule.
double tissue_volume(const Geometry& g) {
  const double n = double(
      std::count_if(g.label.begin(), g.label.end(), [](std::uint8_t l) { return l != kOutside; }));
  return n * g.spacing[0] * g.spacing[1] * g.spacing[2];
}

// The interior voxel that holds point x [µm], or -1 outside the grid.
long long voxel_at(const Geometry& g, const double* x) {
  int ijk[3];
  const int n[3] = {g.box.nx, g.box.ny, g.box.nz}, o[3] = {g.box.ox, g.box.oy, g.box.oz};
  for (int a = 0; a < 3; ++a) {
    const double f = std::floor((x[a] - g.origin[a]) / g.spacing[a]) - o[a];
    if (!(f >= 0 && f < n[a])) return -1;
    ijk[a] = int(f);
  }
  return (long long)g.at(ijk[0], ijk[1], ijk[2]);
}

}  // namespace

// Each entry: agent, dose, at, route, optional repeat { every, count } (count = doses in all),
// center and radius for an intrahepatic bolus. Entries expand into single doses by time.
void TherapySchedule::parse(const ConfigNode& therapy, bool wrap_z, LiverParams& p) {
  entries_.clear();
  wrap_z_ = wrap_z;
  p.doses = 0;
  if (!therapy.defined()) return;
  if (!therapy.is_sequence())
    therapy.fail(
        "expected a list of doses, e.g. - { agent: msc, dose: 5.0e5, at: \"84 d\", route: "
        "portal_vein }");
  std::vector<TherapyDose> all;
  for (std::size_t k = 0; k < therapy.size(); ++k) {
    const ConfigNode n = therapy.at(k);
    n.expect_keys(
        {"agent", "dose", "at", "route", "repeat", "center", "radius", "placement", "seed"});
    TherapyEntry e{TherapyDose{}, 0.0, 1, n};
    TherapyDose& d = e.dose;
    d.agent = n["agent"].choice({"msc", "ev"}) == "msc" ? TherapyAgent::Msc : TherapyAgent::Ev;
    d.amount = n["dose"].quantity(dims::kNone);
    if (!(d.amount > 0 && d.amount <= 1e20))
      n["dose"].fail(fmt::format("{:g}: a dose is a positive number of {} (at most 1e20)", d.amount,
                                 d.agent == TherapyAgent::Msc ? "cells" : "particles"));
    d.at = n["at"].quantity(dims::kTime);
    if (!(d.at >= 0 && std::isfinite(d.at))) n["at"].fail("a dose time must not be negative");
    const std::string route =
        d.agent == TherapyAgent::Msc
            ? n["route"].choice({"portal_vein", "peripheral_iv", "intrahepatic"})
            : n["route"].choice({"portal_vein", "peripheral_iv"});
    d.route = route == "portal_vein"     ? TherapyRoute::PortalVein
              : route == "peripheral_iv" ? TherapyRoute::PeripheralIv
                                         : TherapyRoute::Intrahepatic;
    if (d.route == TherapyRoute::Intrahepatic) {
      if (!n.has("center")) n["center"].fail("an intrahepatic dose needs its centre [x, y, z]");
      if (!n.has("radius")) n["radius"].fail("an intrahepatic dose needs a radius");
      const auto c = n["center"].vec3(dims::kLength);
      std::copy(c.begin(), c.end(), d.center);
      d.radius = n["radius"].quantity(dims::kLength);
      if (!(d.radius > 0 && std::isfinite(d.radius))) n["radius"].fail("must be positive");
    } else {
      for (const char* key : {"center", "radius"})
        if (n.has(key))
          n[key].fail(fmt::format("only an intrahepatic dose has a {} (route is {})", key, route));
    }
    if (d.agent == TherapyAgent::Msc) {
      if (n.has("placement")) d.cells = n["placement"].choice({"density", "cells"}) == "cells";
      if (n.has("seed")) {
        const long long seed = n["seed"].integer();
        if (seed < 0) n["seed"].fail("a seed must not be negative");
        d.seed = (unsigned long long)seed;
      }
      if (n.has("seed") && !d.cells)
        n["seed"].fail("a seed draws the cells of `placement: cells`; this dose is a density");
    } else {
      for (const char* key : {"placement", "seed"})
        if (n.has(key))
          n[key].fail(fmt::format(
              "only an MSC dose has a {} (EVs reach the tissue through the blood)", key));
    }
    if (n.has("repeat")) {
      const ConfigNode r = n["repeat"];
      r.expect_map();
      r.expect_keys({"every", "count"});
      e.every = r["every"].quantity(dims::kTime);
      if (!(e.every > 0 && std::isfinite(e.every))) r["every"].fail("must be a positive time");
      e.count = r["count"].integer();
      if (e.count < 1 || e.count > kMaxDoses)
        r["count"].fail(fmt::format("{}: the number of doses in all, 1 to {}", e.count, kMaxDoses));
    }
    for (long long i = 0; i < e.count; ++i) {
      TherapyDose one = d;
      one.at = d.at + double(i) * e.every;
      all.push_back(one);
    }
    if (all.size() > std::size_t(kMaxDoses))
      n.fail(fmt::format("the schedule has {} doses or more: at most {}", all.size(), kMaxDoses));
    entries_.push_back(e);
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const TherapyDose& a, const TherapyDose& b) { return a.at < b.at; });
  p.doses = int(all.size());
  std::copy(all.begin(), all.end(), p.dose);
}

// A dose at or after time.end would never be given: refused, naming the entry. An EV dose is
// resolved with the steps of step_limit() (pulse_steps()): beyond a million per dose the run
// would look hung (hours of tiny steps), so the parameters that make it so are refused.
void TherapySchedule::check_scenario(const ConfigNode& model, const Config& c,
                                     const LiverParams& p) const {
  constexpr double kMaxPulseSteps = 1e6;
  bool ev = false;
  for (int k = 0; k < p.doses; ++k) ev |= p.dose[k].agent == TherapyAgent::Ev;
  if (ev && pulse_steps(p) > kMaxPulseSteps) {
    const ConfigNode n = model["parameters"];
    const ConfigNode blame = n.has("k_up")           ? n["k_up"]
                             : n.has("tau_ev_alpha") ? n["tau_ev_alpha"]
                             : n.has("t_inj")        ? n["t_inj"]
                             : n.has("tau_ev")       ? n["tau_ev"]
                                                     : model["therapy"];
    blame.fail(fmt::format(
        "with k_up = {}, tau_ev = {}, tau_ev_alpha = {} and t_inj = {} each EV dose needs {:.3g} "
        "steps (the first pass, the uptake and the blood curve's two phases are resolved with "
        "steps of min(tau, 1/k_up)/2 for 8 tau of each, tau = t_inj, tau_ev_alpha, tau_ev), "
        "more than {:g}: "
        "check the units of k_up (e.g. \"24 1/d\") and of the times",
        format_quantity(p.k_up, dims::kRate), fmt::format("{:.4g} s", p.tau_ev),
        fmt::format("{:.4g} s", p.tau_ev_alpha), fmt::format("{:.4g} s", p.t_inj), pulse_steps(p),
        kMaxPulseSteps));
  }
  for (const TherapyEntry& e : entries_) {
    const double last = e.dose.at + double(e.count - 1) * e.every;
    if (last >= c.time.end)
      e.node[e.count > 1 ? "repeat" : "at"].fail(
          fmt::format("{} dose at {} (day {:g}) is not before time.end ({}, day {:g}): give an "
                      "earlier time{} or a later time.end",
                      e.count > 1 ? "the last repeated" : "the", format_quantity(last, dims::kTime),
                      last / kDay, format_quantity(c.time.end, dims::kTime), c.time.end / kDay,
                      e.count > 1 ? " or fewer repeats" : ""));
  }
}

void TherapySchedule::resolved(YAML::Node& model) const {
  YAML::Node list(YAML::NodeType::Sequence);
  for (const TherapyEntry& e : entries_) {
    const TherapyDose& d = e.dose;
    YAML::Node n;
    n["agent"] = agent_name(d.agent);
    n["dose"] = d.amount;
    n["at"] = format_quantity(d.at, dims::kTime);
    n["route"] = route_name(d.route);
    if (e.count > 1) {
      n["repeat"]["every"] = format_quantity(e.every, dims::kTime);
      n["repeat"]["count"] = e.count;
    }
    if (d.route == TherapyRoute::Intrahepatic) {
      for (double x : d.center) n["center"].push_back(format_quantity(x, dims::kLength));
      n["radius"] = format_quantity(d.radius, dims::kLength);
    }
    if (d.agent == TherapyAgent::Msc) n["placement"] = d.cells ? "cells" : "density";
    if (d.cells) n["seed"] = d.seed;
    list.push_back(n);
  }
  model["therapy"] = list;
}

// A lobule periodic in z is a slab of a taller lobule: a centre above or below it is wrapped
// into the slab (z modulo the height), and distances in z are taken to the nearest image.
std::array<double, 3> TherapySchedule::bolus_centre(const TherapyDose& d, const Geometry& g) const {
  std::array<double, 3> x = {d.center[0], d.center[1], d.center[2]};
  if (wrap_z_) {
    const double L = g.box.gz * g.spacing[2], z0 = g.origin[2];
    x[2] = z0 + std::fmod(std::fmod(x[2] - z0, L) + L, L);
  }
  return x;
}

// The doses against the lobule. The centre of an intrahepatic bolus must lie in the tissue (a
// vessel is tissue: the cells then lodge in the tissue around it).
void TherapySchedule::check_geometry(const Geometry& g, bool portal, const LiverParams& p) const {
  // Plain numbers are in base units (µm³): "V_liver: 1.5" would make this tissue millions of
  // livers; the blood of the portal system cannot be smaller than the tissue either.
  const double V = tissue_volume(g);
  if (p.doses > 0)
    for (const auto& [key, value] :
         {std::pair<const char*, double>{"V_liver", p.V_liver}, {"V_portal", p.V_portal}})
      if (value < V)
        throw InputError(fmt::format(
            "model.parameters.{} = {:.4g} um^3 is smaller than the simulated tissue ({:.4g} um^3): "
            "a plain number is in um^3; give the volume with its unit (e.g. \"1.5 mL\")",
            key, value, V));
  for (const TherapyEntry& e : entries_) {
    if (e.dose.agent == TherapyAgent::Msc && e.dose.route == TherapyRoute::PortalVein && !portal)
      e.node["route"].fail(
          "portal_vein: this geometry has no portal veins to carry the cells (geometry.kind "
          "box?); use peripheral_iv or intrahepatic, or a lobule geometry");
    if (e.dose.route != TherapyRoute::Intrahepatic) continue;
    const long long v = voxel_at(g, bolus_centre(e.dose, g).data());
    if (v < 0 || g.label[std::size_t(v)] == kOutside)
      e.node["center"].fail(fmt::format(
          "({:g}, {:g}, {:g}) um is {}: an intrahepatic dose is injected into the "
          "lobule's tissue; give a centre inside it (the grid spans x {:g}..{:g}, "
          "y {:g}..{:g}, z {:g}..{:g} um; `lobule geometry` writes the labels)",
          e.dose.center[0], e.dose.center[1], e.dose.center[2],
          v < 0 ? "outside the grid" : "outside the tissue", g.origin[0],
          g.origin[0] + g.box.gx * g.spacing[0], g.origin[1], g.origin[1] + g.box.gy * g.spacing[1],
          g.origin[2], g.origin[2] + g.box.gz * g.spacing[2]));
  }
}

// The cells of MSC dose d that lodge in this tissue (V_tissue [µm³]): the liver's engrafted
// cells (f_engraft of a portal or intrahepatic dose, f_liver of a peripheral one), of which
// this tissue holds its share (msc_compartments.hpp: V_tissue/V_liver, or V_tissue/V_inj of an
// intrahepatic injection).
double TherapySchedule::cells_placed(const TherapyDose& d, double V_tissue, const LiverParams& p) {
  return msc_engrafted(p, d) * msc_tissue_share(p, d, V_tissue);
}

std::vector<double> TherapySchedule::event_times(const LiverParams& p) const {
  std::vector<double> t;
  for (int k = 0; k < p.doses; ++k) t.push_back(p.dose[k].at);
  return t;
}

// Where MSC dose d lodges: a weight per voxel (0 where it does not), w = (1 − zone)² over
// parenchyma and sinusoids for the portal vein (periportal), 1 there for a peripheral vein,
// exp(−|x − centre|²/(2·radius²)) over tissue with cells for an intrahepatic bolus (a Gaussian;
// in z to the nearest image in a lobule periodic in z; a bolus too narrow to reach a voxel
// centre with cells lodges whole in the nearest one). Empty when no voxel can take it.
std::vector<double> TherapySchedule::lodging_weights(const TherapyDose& d,
                                                     const Geometry& g) const {
  const auto centre = bolus_centre(d, g);
  const double height = g.box.gz * g.spacing[2];
  std::vector<double> w(g.voxels(), 0.0);
  double sum = 0, nearest_r2 = INFINITY;
  std::size_t nearest = g.voxels();  // the cell-bearing voxel nearest the centre
  for (int kk = 0; kk < g.box.nz; ++kk)
    for (int j = 0; j < g.box.ny; ++j)
      for (int i = 0; i < g.box.nx; ++i) {
        const std::size_t v = g.at(i, j, kk);
        const std::uint8_t l = g.label[v];
        double wv = 0;
        if (d.route == TherapyRoute::Intrahepatic) {
          if (LiverRates<double>::has_cells(l)) {
            const auto x = g.centre(i, j, kk);
            double r2 = 0;
            for (int a = 0; a < 3; ++a) {
              double dx = x[a] - centre[a];
              if (a == 2 && wrap_z_) dx -= height * std::round(dx / height);
              r2 += dx * dx;
            }
            wv = std::exp(-r2 / (2 * d.radius * d.radius));
            if (r2 < nearest_r2) nearest_r2 = r2, nearest = v;
          }
        } else if (l == kParenchyma || l == kSinusoid) {
          const double y = g.zone.empty() ? 0.0 : 1.0 - double(g.zone[v]);
          wv = d.route == TherapyRoute::PortalVein ? y * y : 1.0;
        }
        w[v] = wv;
        sum += wv;
      }
  if (!(sum > 0) && nearest < g.voxels()) w[nearest] = sum = 1;
  if (!(sum > 0)) w.clear();
  return w;
}

// The whole cells of MSC dose k (placement: cells): their number is Poisson with mean
// cells_placed (each of the many cells given engrafts here independently and rarely), each
// cell's voxel drawn with probability w_v/Σw; every draw is a pure function of (seed, k, i), so a
// restart places the same cells. Returns a voxel per cell.
std::vector<std::size_t> TherapySchedule::cell_voxels(std::size_t k, const Geometry& g,
                                                      const LiverParams& p) const {
  const TherapyDose& d = p.dose[k];
  const std::vector<double> w = lodging_weights(d, g);
  if (w.empty()) return {};
  std::vector<double> cumulative(w.size());
  std::partial_sum(w.begin(), w.end(), cumulative.begin());
  enum : std::int64_t { kCount = 1, kWhere = 2 };
  const std::int64_t n =
      hash_poisson(cells_placed(d, tissue_volume(g), p), d.seed, {kCount, std::int64_t(k)});
  std::vector<std::size_t> voxels;
  for (std::int64_t i = 0; i < n; ++i) {
    const double u = hash_uniform(d.seed, {kWhere, std::int64_t(k), i}) * cumulative.back();
    // The first voxel whose running sum passes u: one of weight > 0 (u < Σw).
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
    voxels.push_back(std::min(std::size_t(it - cumulative.begin()), w.size() - 1));
  }
  return voxels;
}

// MSC dose k, in cells per 10⁶ µm³ of the voxel: as a density, N = cells_placed cells spread
// with the weights, msc += N·w_v/(Σw·V_voxel)·10⁶ (the same for every seed); as whole cells,
// msc += 10⁶/V_voxel in the voxel of each cell drawn (cell_voxels). An EV dose changes no field:
// it starts a blood curve.
void TherapySchedule::apply_event(std::size_t k, const Geometry& g, const FieldAdd& add,
                                  const LiverParams& p) const {
  const TherapyDose& d = p.dose[k];
  if (d.agent != TherapyAgent::Msc) return;
  const double V = g.spacing[0] * g.spacing[1] * g.spacing[2];
  if (d.cells) {
    for (std::size_t v : cell_voxels(k, g, p)) add(kMsc, v, 1e6 / V);
    return;
  }
  const std::vector<double> w = lodging_weights(d, g);
  if (w.empty()) return;
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  const double per_weight = cells_placed(d, tissue_volume(g), p) / (sum * V) * 1e6;
  for (std::size_t v = 0; v < w.size(); ++v)
    if (w[v] > 0) add(kMsc, v, w[v] * per_weight);
}

std::string TherapySchedule::describe_event(std::size_t k, const Geometry& g,
                                            const LiverParams& p) const {
  const TherapyDose& d = p.dose[k];
  if (d.agent == TherapyAgent::Msc && d.cells)
    return fmt::format("{:.4g} MSCs via {}, {:.4g} expected in this tissue, {} placed (seed {})",
                       d.amount, route_name(d.route), cells_placed(d, tissue_volume(g), p),
                       cell_voxels(k, g, p).size(), d.seed);
  if (d.agent == TherapyAgent::Msc)
    return fmt::format("{:.4g} MSCs via {}, {:.4g} of them in this tissue", d.amount,
                       route_name(d.route), cells_placed(d, tissue_volume(g), p));
  return fmt::format("{:.4g} EVs via {}, blood level {:.4g} x 1e9/mL{}", d.amount,
                     route_name(d.route), EvBloodCurve<double>::systemic_peak(p, d),
                     d.route == TherapyRoute::PortalVein
                         ? fmt::format(" after a first pass from {:.4g} x 1e9/mL",
                                       EvBloodCurve<double>::first_pass_level(p, d))
                         : std::string());
}

// An EV dose's blood curve (kernels/models/ev_pharmacokinetics.hpp) and the uptake of the EVs
// it brings (rate k_up per unit cell density, about 1 in tissue) are resolved with steps of at
// most min(τ, 1/k_up)/2 for 8·τ of each of its terms (by then a term has fallen to e^{−8} =
// 0.03 % of its start): τ = t_inj while a portal dose washes through the liver, tau_ev_alpha, then
// tau_ev. Longer steps shift the penetration figure 6 h after a dose (one-phase curve on the
// shipped lobule: 0.39 at 10 and 30 min, 0.36 at 1 h, 0.49 at 2 h).
double TherapySchedule::ev_step(double since, bool portal, const LiverParams& p) {
  const double uptake = 1 / p.k_up;
  if (portal && since < 8 * p.t_inj) return 0.5 * std::min(p.t_inj, uptake);
  if (since < 8 * p.tau_ev_alpha) return 0.5 * std::min(p.tau_ev_alpha, uptake);
  if (since < 8 * p.tau_ev) return 0.5 * std::min(p.tau_ev, uptake);
  return INFINITY;
}

// The steps step_limit() takes for one dose, alone (an upper bound for a portal dose).
double TherapySchedule::pulse_steps(const LiverParams& p) {
  const double fast = 8 * p.tau_ev_alpha, slow = 8 * p.tau_ev;
  return 16 * std::max(1.0, p.t_inj * p.k_up) +
         fast / (0.5 * std::min(p.tau_ev_alpha, 1 / p.k_up)) +
         std::max(0.0, slow - fast) / (0.5 * std::min(p.tau_ev, 1 / p.k_up));
}

double TherapySchedule::step_limit(double t, const LiverParams& p) const {
  double limit = INFINITY;
  for (int k = 0; k < p.doses; ++k) {
    const TherapyDose& d = p.dose[k];
    if (d.agent == TherapyAgent::Ev && t >= d.at)
      limit = std::min(limit, ev_step(t - d.at, d.route == TherapyRoute::PortalVein, p));
  }
  return limit;
}

// With EV doses the portal veins and hepatic arteries hold the blood level of ev as it changes
// (LiverRates::blood, the same function the sinusoid exchange uses); central veins hold 0.
VesselValues TherapySchedule::vessel_values(const LiverParams& p) const {
  bool ev = false;
  for (int k = 0; k < p.doses; ++k) ev |= p.dose[k].agent == TherapyAgent::Ev;
  if (!ev) return {};
  const LiverRates<double> r(p);
  return [r](std::size_t s, int label, double t) {
    if (label == kCentralVein || s >= std::size_t(kLiverDiffusing)) return 0.0;
    return r.blood(int(s), t);
  };
}

// The therapy lines of the run log and `lobule check`.
std::vector<std::string> TherapySchedule::describe(const Geometry& g, const LiverParams& p) const {
  std::vector<std::string> out;
  if (p.doses == 0) {
    out.push_back("therapy: none");
    return out;
  }
  const double V = tissue_volume(g);
  out.push_back(fmt::format(
      "therapy: {} dose(s); this tissue is {:.4g} um^3, {:.3g} of the liver (V_liver {:.4g} um^3)",
      p.doses, V, V / p.V_liver, p.V_liver));
  for (int k = 0; k < p.doses; ++k) {
    const TherapyDose& d = p.dose[k];
    std::string what;
    if (d.agent == TherapyAgent::Msc) {
      const double liver = msc_engrafted(p, d);
      what = fmt::format(
          "{:.4g} MSCs, {:.4g} reach the liver and engraft ({}; the rest held in the lungs, "
          "cleared with half-life {:.3g} d), {:.4g} in this tissue{}{}",
          d.amount, liver, d.route == TherapyRoute::PeripheralIv ? "f_liver" : "f_engraft",
          std::log(2.0) / p.k_lung / kDay, cells_placed(d, V, p),
          d.route == TherapyRoute::PortalVein ? " (periportal, weight (1 - zone)^2)"
          : d.route == TherapyRoute::Intrahepatic
              ? fmt::format(" (Gaussian bolus at ({:g}, {:g}, {:g}) um, radius {:g} um)",
                            d.center[0], d.center[1], d.center[2], d.radius)
              : " (uniform)",
          d.cells ? fmt::format("; placed as whole cells, seed {}", d.seed) : std::string());
    } else {
      const bool portal = d.route == TherapyRoute::PortalVein;
      const double E = EvMicroConstants::first_pass(p, d);
      what = fmt::format(
          "{:.4g} EVs{}; blood level {:.4g} x 1e9/mL, {:.3g} of it falling with tau_ev_alpha "
          "{:.4g} s "
          "and the rest with tau_ev {:.4g} s; the liver takes {:.3g} of the dose in all",
          d.amount,
          portal ? fmt::format(", first pass through the liver from {:.4g} x 1e9/mL falling with "
                               "t_inj {:g} s (it takes {:.3g} of them)",
                               EvBloodCurve<double>::first_pass_level(p, d), p.t_inj, E)
                 : std::string(),
          EvBloodCurve<double>::systemic_peak(p, d), p.f_ev_alpha, p.tau_ev_alpha, p.tau_ev,
          E + (1 - E) * p.f_liver_ev);
    }
    out.push_back(fmt::format("  day {:g} (t = {:g} s): {} via {}: {}", d.at / kDay, d.at,
                              agent_name(d.agent), route_name(d.route), what));
  }
  return out;
}

}  // namespace lobule

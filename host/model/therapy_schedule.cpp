// The therapy schedule of the liver model (therapy_schedule.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "geometry/labels.hpp"
#include "host/config/config.hpp"
#include "host/config/units.hpp"
#include "host/errors.hpp"
#include "kernels/models/liver_fibrosis_rates.hpp"
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
    n.expect_keys({"agent", "dose", "at", "route", "repeat", "center", "radius"});
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

// A dose at or after time.end would never be given: refused, naming the entry. An EV pulse is
// resolved with steps of ev_step() for 8·τ_ev, 16·max(1, τ_ev·k_up) steps per dose: beyond a
// million the run would look hung (hours of tiny steps), so the parameters that make it so are
// refused.
void TherapySchedule::check_scenario(const ConfigNode& model, const Config& c,
                                     const LiverParams& p) const {
  constexpr double kMaxPulseSteps = 1e6;
  bool ev = false;
  for (int k = 0; k < p.doses; ++k) ev |= p.dose[k].agent == TherapyAgent::Ev;
  const double pulse_steps = 8 * p.tau_ev / ev_step(p);
  if (ev && pulse_steps > kMaxPulseSteps) {
    const ConfigNode n = model["parameters"];
    const ConfigNode blame = n.has("k_up")     ? n["k_up"]
                             : n.has("tau_ev") ? n["tau_ev"]
                                               : model["therapy"];
    blame.fail(fmt::format(
        "with k_up = {} and tau_ev = {} each EV dose needs {:.3g} steps of {:.3g} s (the uptake "
        "and the blood pulse are resolved with steps of min(tau_ev, 1/k_up)/2 for 8 tau_ev), "
        "more than {:g}: check the units of k_up (e.g. \"24 1/d\") and tau_ev",
        format_quantity(p.k_up, dims::kRate), fmt::format("{:.4g} s", p.tau_ev), pulse_steps,
        ev_step(p), kMaxPulseSteps));
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

// The cells of MSC dose d that lodge in this tissue (V_tissue [µm³]): through the portal vein
// f_engraft of the dose engrafts in the whole liver, of which this tissue holds the share
// V_tissue/V_liver; through a peripheral vein f_liver reaches the liver; an intrahepatic bolus
// is injected into this tissue, and f_engraft of it engrafts.
double TherapySchedule::cells_placed(const TherapyDose& d, double V_tissue, const LiverParams& p) {
  switch (d.route) {
    case TherapyRoute::PortalVein:
      return p.f_engraft * d.amount * std::min(1.0, V_tissue / p.V_liver);
    case TherapyRoute::PeripheralIv:
      return p.f_liver * d.amount * std::min(1.0, V_tissue / p.V_liver);
    case TherapyRoute::Intrahepatic:
      break;
  }
  return p.f_engraft * d.amount;
}

std::vector<double> TherapySchedule::event_times(const LiverParams& p) const {
  std::vector<double> t;
  for (int k = 0; k < p.doses; ++k) t.push_back(p.dose[k].at);
  return t;
}

// MSC dose k: N = cells_placed cells spread with weight w over the voxels they lodge in,
// msc += N·w_v/(Σw·V_voxel)·10⁶ [cells per 10⁶ µm³]: portal vein w = (1 − zone)² over
// parenchyma and sinusoids (periportal), peripheral IV w = 1 there, intrahepatic
// w = exp(−|x − centre|²/(2·radius²)) over tissue with cells (a Gaussian bolus; in z to the
// nearest image in a lobule periodic in z). The placement
// is a density, the same for every seed. An EV dose changes no field: it starts a blood pulse.
void TherapySchedule::apply_event(std::size_t k, const Geometry& g, const FieldAdd& add,
                                  const LiverParams& p) const {
  const TherapyDose& d = p.dose[k];
  if (d.agent != TherapyAgent::Msc) return;
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
  // A bolus too narrow to reach a voxel centre with cells lodges whole in the nearest one.
  if (!(sum > 0) && nearest < g.voxels()) w[nearest] = sum = 1;
  if (!(sum > 0)) return;
  const double V = g.spacing[0] * g.spacing[1] * g.spacing[2];
  const double per_weight = cells_placed(d, tissue_volume(g), p) / (sum * V) * 1e6;
  for (std::size_t v = 0; v < w.size(); ++v)
    if (w[v] > 0) add(kMsc, v, w[v] * per_weight);
}

std::string TherapySchedule::describe_event(std::size_t k, const Geometry& g,
                                            const LiverParams& p) const {
  const TherapyDose& d = p.dose[k];
  if (d.agent == TherapyAgent::Msc)
    return fmt::format("{:.4g} MSCs via {}, {:.4g} of them in this tissue", d.amount,
                       route_name(d.route), cells_placed(d, tissue_volume(g), p));
  return fmt::format("{:.4g} EVs via {}, blood level {:.4g} x 1e9/mL falling with tau_ev {:.3g} h",
                     d.amount, route_name(d.route), LiverRates<double>::ev_peak(p, d),
                     p.tau_ev / 3600);
}

// The blood pulse of an EV dose, c0·e^{−(t − t0)/τ_ev}, and the uptake of the EVs it brings
// (rate k_up per unit cell density, about 1 in tissue) are resolved with steps of at most
// min(τ_ev, 1/k_up)/2 for 8·τ_ev after the dose (by then the pulse has fallen to e^{−8} =
// 0.03 % of its peak). Longer steps shift the penetration figure 6 h after the dose (0.39 at
// 10 and 30 min, 0.36 at 1 h, 0.49 at 2 h on the shipped lobule).
double TherapySchedule::ev_step(const LiverParams& p) {
  return 0.5 * std::min(p.tau_ev, 1 / p.k_up);
}

double TherapySchedule::step_limit(double t, const LiverParams& p) const {
  for (int k = 0; k < p.doses; ++k) {
    const TherapyDose& d = p.dose[k];
    if (d.agent == TherapyAgent::Ev && t >= d.at && t < d.at + 8 * p.tau_ev) return ev_step(p);
  }
  return INFINITY;
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
      const double liver =
          d.route == TherapyRoute::PeripheralIv ? p.f_liver * d.amount : p.f_engraft * d.amount;
      what = fmt::format(
          "{:.4g} MSCs, {:.4g} reach the liver and engraft ({}), {:.4g} in this tissue{}", d.amount,
          liver, d.route == TherapyRoute::PeripheralIv ? "f_liver" : "f_engraft",
          cells_placed(d, V, p),
          d.route == TherapyRoute::PortalVein ? " (periportal, weight (1 - zone)^2)"
          : d.route == TherapyRoute::Intrahepatic
              ? fmt::format(" (Gaussian bolus at ({:g}, {:g}, {:g}) um, radius {:g} um)",
                            d.center[0], d.center[1], d.center[2], d.radius)
              : " (uniform)");
    } else {
      what = fmt::format(
          "{:.4g} EVs, {:.4g} reach the liver's blood; blood level {:.4g} x 1e9/mL falling with "
          "tau_ev {:g} s (steps of at most {:g} s for {:g} s)",
          d.amount, LiverRates<double>::ev_reaching_liver(p, d), LiverRates<double>::ev_peak(p, d),
          p.tau_ev, ev_step(p), 8 * p.tau_ev);
    }
    out.push_back(fmt::format("  day {:g} (t = {:g} s): {} via {}: {}", d.at / kDay, d.at,
                              agent_name(d.agent), route_name(d.route), what));
  }
  return out;
}

}  // namespace lobule

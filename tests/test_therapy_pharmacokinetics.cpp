// The therapy's whole-body side (docs/therapy.md): the EV dose's two-compartment blood
// kinetics against an independent ODE solution and its mass balance, the kernels' blood curve
// against the equations written out, and MSC doses placed as whole cells: reproducible per seed,
// Poisson in number, and on average the density placement.
#include <gtest/gtest.h>

#include <array>
#include <boost/numeric/odeint.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <vector>

#include "geometry/geometry.hpp"
#include "geometry/hash_rng.hpp"
#include "host/config/config.hpp"
#include "host/model/liver_fibrosis.hpp"
#include "host/model/msc_compartments.hpp"
#include "kernels/models/ev_pharmacokinetics.hpp"
#include "kernels/models/liver_fibrosis_rates.hpp"
#include "support/liver_equations.hpp"
#include "support/liver_scenarios.hpp"
#include "support/liver_start.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

// Parameter sets the kinetics are checked on: the defaults, a slow fast phase with a large
// first pass, one phase only (f_α = 0 and 1), and equal phases (α = β).
std::vector<LiverParams> parameter_sets() {
  std::vector<LiverParams> sets(5);
  sets[1].tau_ev_alpha = 40 * kMinute;
  sets[1].tau_ev = 2 * kHour;
  sets[1].f_ev_alpha = 0.6;
  sets[1].f_liver_ev = 0.5;
  sets[1].Q_liver = 0.05e12 / kMinute;
  sets[2].f_ev_alpha = 0;
  sets[3].f_ev_alpha = 1;
  sets[4].tau_ev_alpha = sets[4].tau_ev;
  return sets;
}

TherapyDose ev_dose(TherapyRoute route, double amount = 1e10, double at = 0) {
  TherapyDose d;
  d.agent = TherapyAgent::Ev;
  d.route = route;
  d.amount = amount;
  d.at = at;
  return d;
}

// dB/dt = −(k12 + k10)·B + k21·P, dP/dt = k12·B − k21·P, dL/dt = f·k10·B, dO/dt = (1 − f)·k10·B,
// integrated by Boost.Odeint (Dormand–Prince, tolerance 1e-13) from B = (1 − E)·dose, L = E·dose.
TEST(EvPharmacokinetics, ClosedFormSolvesTheCompartmentModel) {
  namespace odeint = boost::numeric::odeint;
  using State = std::array<double, 4>;
  int sets = 0;
  for (const LiverParams& p : parameter_sets()) {
    const EvMicroConstants m = EvMicroConstants::of(p);
    EXPECT_GE(m.k12, -1e-15 * m.alpha);
    EXPECT_GT(m.k21, 0);
    EXPECT_GT(m.k10, 0);
    for (TherapyRoute route : {TherapyRoute::PeripheralIv, TherapyRoute::PortalVein}) {
      const TherapyDose d = ev_dose(route, 1e10, 5 * kHour);
      const double E =
          route == TherapyRoute::PortalVein ? EvMicroConstants::first_pass_extraction(p) : 0.0;
      State x = {(1 - E) * d.amount, 0, E * d.amount, 0};
      auto rhs = [&](const State& s, State& ds, double) {
        ds[0] = -(m.k12 + m.k10) * s[0] + m.k21 * s[1];
        ds[1] = m.k12 * s[0] - m.k21 * s[1];
        ds[2] = p.f_liver_ev * m.k10 * s[0];
        ds[3] = (1 - p.f_liver_ev) * m.k10 * s[0];
      };
      double t = 0;
      for (double to : {1 * kMinute, 10 * kMinute, 1 * kHour, 6 * kHour, 2 * kDay}) {
        odeint::integrate_adaptive(
            odeint::make_controlled<odeint::runge_kutta_dopri5<State>>(1e-13, 1e-13), rhs, x, t, to,
            1.0);
        t = to;
        const EvCompartments c = ev_compartments(p, d, d.at + to);
        EXPECT_NEAR(c.blood, x[0], 1e-9 * d.amount) << sets << " t " << to;
        EXPECT_NEAR(c.periphery, x[1], 1e-9 * d.amount) << sets << " t " << to;
        EXPECT_NEAR(c.liver, x[2], 1e-9 * d.amount) << sets << " t " << to;
        EXPECT_NEAR(c.other, x[3], 1e-9 * d.amount) << sets << " t " << to;
      }
    }
    ++sets;
  }
}

// dose = blood + periphery + liver + other at every time, to 1e-9 of the dose; in the end the
// liver holds its first pass and f_liver_ev of the rest.
TEST(EvPharmacokinetics, DoseIsConservedOverTheCompartments) {
  for (const LiverParams& p : parameter_sets())
    for (TherapyRoute route : {TherapyRoute::PeripheralIv, TherapyRoute::PortalVein}) {
      const TherapyDose d = ev_dose(route, 3e11, 2 * kDay);
      for (double s : {0.0, 30.0, 1e3, 1e4, 1e5, 1e6, 1e7}) {
        const EvCompartments c = ev_compartments(p, d, d.at + s);
        EXPECT_NEAR(c.blood + c.periphery + c.liver + c.other, d.amount, 1e-9 * d.amount);
        for (double x : {c.blood, c.periphery, c.liver, c.other}) EXPECT_GE(x, -1e-12 * d.amount);
      }
      const double E =
          route == TherapyRoute::PortalVein ? EvMicroConstants::first_pass_extraction(p) : 0.0;
      const EvCompartments end = ev_compartments(p, d, d.at + 1e9);
      EXPECT_NEAR(end.liver, (E + (1 - E) * p.f_liver_ev) * d.amount, 1e-9 * d.amount);
    }
}

// The blood curve the kernels read (LiverRates::ev_blood) is the equations written out in the
// tests' reference (support/liver_equations.hpp), in double and float; its area is the dose over
// the clearance (AUC = (1 − E)·dose/(k10·V_b)) plus the first pass's dose/Q_liver.
TEST(EvPharmacokinetics, KernelsReadTheBloodCurveOfTheModel) {
  for (LiverParams p : parameter_sets()) {
    p.doses = 3;
    p.dose[0] = ev_dose(TherapyRoute::PortalVein, 1e10, 1 * kHour);
    p.dose[1].agent = TherapyAgent::Msc;
    p.dose[1].amount = 1e5;
    p.dose[1].at = 2 * kHour;
    p.dose[2] = ev_dose(TherapyRoute::PeripheralIv, 4e10, 3 * kHour);
    const LiverRates<double> r(p);
    const LiverRates<float> rf(p);
    for (double t :
         {0.0, 3599.0, 3600.0, 3630.0, 5000.0, 2.5 * kHour, 3 * kHour, 10 * kHour, 3 * kDay}) {
      const double want = test::liver_blood(p, kEv, t) - p.c_blood[kEv];
      EXPECT_NEAR(r.ev_blood(t), want, 1e-12 * want + 1e-300) << t;
      EXPECT_NEAR(rf.ev_blood(float(t)), want, 2e-6 * want + 1e-30) << t;
    }
    // ∫ c dt of the portal dose alone, by the trapezoid rule on a log-spaced grid to 60 τ_β.
    LiverParams one = p;
    one.doses = 1;
    const LiverRates<double> r1(one);
    const double t0 = one.dose[0].at, end = 60 * std::max(one.tau_ev, one.t_inj);
    double auc = 0, prev_s = 0, prev_c = r1.ev_blood(t0);
    for (int i = 1; i <= 400000; ++i) {
      const double s = 1e-3 * std::pow(end / 1e-3, (i - 1) / 399999.0);
      const double c = r1.ev_blood(t0 + s);
      auc += 0.5 * (c + prev_c) * (s - prev_s);
      prev_s = s, prev_c = c;
    }
    const EvMicroConstants m = EvMicroConstants::of(one);
    const double E = EvMicroConstants::first_pass_extraction(one);
    const double per_mL = 1e3;  // particles/µm³ → 10⁹ particles/mL
    const double want = ((1 - E) * 1e10 / (m.k10 * one.V_portal) + 1e10 / one.Q_liver) * per_mL;
    EXPECT_NEAR(auc, want, 1e-5 * want);
  }
}

// MSC doses in the body: the closed form against an independent solution of
// dLi/dt = −d_msc·Li, dLu/dt = −k_lung·Lu, dD/dt = d_msc·Li + k_lung·Lu (Boost.Odeint), the cells
// conserved to 1e-9 of the dose, each route's first split, and the tissue's share.
TEST(MscCompartments, CellsAreConservedAndFollowTheirEquations) {
  namespace odeint = boost::numeric::odeint;
  using State = std::array<double, 3>;
  LiverParams p;
  for (TherapyRoute route :
       {TherapyRoute::PortalVein, TherapyRoute::PeripheralIv, TherapyRoute::Intrahepatic}) {
    TherapyDose d;
    d.route = route;
    d.amount = 5e5;
    d.at = 84 * kDay;
    const double Li0 = (route == TherapyRoute::PeripheralIv ? p.f_liver : p.f_engraft) * d.amount;
    const MscCompartments c0 = msc_compartments(p, d, d.at);
    EXPECT_NEAR(c0.liver, Li0, 1e-9 * d.amount);
    EXPECT_NEAR(c0.lungs, d.amount - Li0, 1e-9 * d.amount);
    EXPECT_EQ(c0.dead, 0.0);
    State x = {c0.liver, c0.lungs, 0};
    auto rhs = [&](const State& s, State& ds, double) {
      ds[0] = -p.d_msc * s[0];
      ds[1] = -p.k_lung * s[1];
      ds[2] = p.d_msc * s[0] + p.k_lung * s[1];
    };
    double t = 0;
    for (double to : {1 * kHour, 1 * kDay, 3 * kDay, 28 * kDay}) {
      odeint::integrate_adaptive(
          odeint::make_controlled<odeint::runge_kutta_dopri5<State>>(1e-13, 1e-13), rhs, x, t, to,
          60.0);
      t = to;
      const MscCompartments c = msc_compartments(p, d, d.at + to);
      EXPECT_NEAR(c.liver, x[0], 1e-9 * d.amount) << to;
      EXPECT_NEAR(c.lungs, x[1], 1e-9 * d.amount) << to;
      EXPECT_NEAR(c.dead, x[2], 1e-9 * d.amount) << to;
      EXPECT_NEAR(c.liver + c.lungs + c.dead, d.amount, 1e-9 * d.amount) << to;
    }
    // Half the lungs' cells are gone after a day (Lee 2009's t½ ≈ 24 h).
    EXPECT_NEAR(msc_compartments(p, d, d.at + kDay).lungs, 0.5 * (d.amount - Li0), 1e-9 * d.amount);
    // The tissue's share: of the whole liver through the blood, of the injected volume.
    const double V_tissue = 7.2e6;
    EXPECT_DOUBLE_EQ(msc_tissue_share(p, d, V_tissue),
                     V_tissue / (route == TherapyRoute::Intrahepatic ? p.V_inj : p.V_liver));
  }
}

// hash_poisson: mean and variance of the count over many keys, for a mean below one (a
// lobule's share of a portal dose), a few, and more than one part of 500.
TEST(MscPlacement, PoissonCountsHaveTheirMeanAndVariance) {
  for (double mean : {0.07, 3.5, 1234.5}) {
    const int n = 20000;
    double sum = 0, sum2 = 0;
    for (int k = 0; k < n; ++k) {
      const double x = double(hash_poisson(mean, 7, {k}));
      sum += x, sum2 += x * x;
    }
    const double m = sum / n, var = sum2 / n - m * m;
    std::printf("[ measured ] Poisson mean %g: sample mean %.5g, variance %.5g\n", mean, m, var);
    EXPECT_NEAR(m, mean, 4 * std::sqrt(mean / n));
    // The sample variance's standard error is about mean·sqrt(2/n) (+ the fourth cumulant).
    EXPECT_NEAR(var, mean, 4 * std::sqrt((2 * mean * mean + mean) / n));
    EXPECT_EQ(hash_poisson(mean, 7, {3}), hash_poisson(mean, 7, {3}));
  }
  EXPECT_EQ(hash_poisson(0, 1, {1}), 0);
}

// A portal MSC dose placed as whole cells on the test lobule: each cell adds 10⁶/V_voxel to
// one lodging voxel, a seed gives the same cells every time, seeds differ, and the mean over
// seeds is the density placement (per zone band, within 4 standard errors of the Poisson counts).
TEST(MscPlacement, WholeCellsAreReproduciblePerSeedAndAverageToTheDensity) {
  test::TempDir dir;
  const std::string start = test::liver_start(
      dir, test::lobule_scenario("", "{ end: \"2 d\", dt: \"1 h\", scheme: rkl2 }"),
      [](int q, std::size_t) { return q == kHep; });
  auto config = [&](const std::string& placement) {
    return parse_config(test::lobule_scenario(start + R"(  therapy:
    - { agent: msc, dose: 3.0e8, at: "1 h", route: portal_vein)" +
                                                  placement + " }",
                                              "{ end: \"2 d\", dt: \"1 h\", scheme: rkl2 }"),
                        "t.yaml");
  };
  const Config density = config("");
  const Geometry g = make_geometry(density);
  const double V = g.spacing[0] * g.spacing[1] * g.spacing[2];
  auto place = [&](const Config& c) {
    std::vector<double> msc(g.voxels(), 0.0);
    c.model_impl->apply_event(0, g, [&](std::size_t q, std::size_t v, double a) {
      ASSERT_EQ(q, std::size_t(kMsc));
      msc[v] += a;
    });
    return msc;
  };
  const std::vector<double> mean_density = place(density);
  double expected = 0;
  for (double x : mean_density) expected += x * V * 1e-6;
  ASSERT_GT(expected, 5.0);
  ASSERT_LT(expected, 200.0);
  // Zone bands of the lodging voxels: the density's cells and the seeds' cells per band.
  auto band = [&](std::size_t v) { return std::min(4, int(5 * g.zone[v])); };
  std::array<double, 5> want{}, got{};
  const int seeds = 300;
  double cells_total = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    const Config c = config(", placement: cells, seed: " + std::to_string(seed));
    const std::vector<double> a = place(c), b = place(c);
    EXPECT_EQ(a, b) << "seed " << seed;
    if (seed == 2) {
      EXPECT_NE(a, place(config(", placement: cells, seed: 1")));
    }
    for (std::size_t v = 0; v < a.size(); ++v) {
      if (a[v] == 0) continue;
      EXPECT_GT(mean_density[v], 0) << "a cell where the density places none";
      const double cells = a[v] * V * 1e-6;
      EXPECT_NEAR(cells, std::round(cells), 1e-9) << "not whole cells";
      got[std::size_t(band(v))] += cells;
      cells_total += cells;
    }
  }
  for (std::size_t v = 0; v < mean_density.size(); ++v)
    if (mean_density[v] > 0) want[std::size_t(band(v))] += mean_density[v] * V * 1e-6 * seeds;
  std::printf("[ measured ] %d seeds: %.0f cells against %.1f expected\n", seeds, cells_total,
              expected * seeds);
  EXPECT_NEAR(cells_total, expected * seeds, 4 * std::sqrt(expected * seeds));
  for (std::size_t b = 0; b < 5; ++b) {
    std::printf("[ measured ] zone band %zu: %.0f cells, density %.1f\n", b, got[b], want[b]);
    EXPECT_NEAR(got[b], want[b], 4 * std::sqrt(want[b]) + 1) << "band " << b;
  }
}

// The key is refused where it means nothing: a seed without whole cells, a placement on EVs.
TEST(MscPlacement, PlacementKeysAreCheckedWhereTheyAreWritten) {
  test::TempDir dir;
  auto check = [&](const std::string& dose) {
    const std::string y =
        test::lobule_scenario("  initial: healthy\n  therapy:\n    - " + dose + "\n",
                              "{ end: \"2 d\", dt: \"1 h\", scheme: rkl2 }");
    return test::run_lobule({"check", dir.write("t.yaml", y)});
  };
  auto r = check("{ agent: msc, dose: 1e6, at: 1 h, route: portal_vein, seed: 3 }");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("placement: cells"), std::string::npos) << r.output;
  r = check("{ agent: ev, dose: 1e10, at: 1 h, route: portal_vein, placement: cells }");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("only an MSC dose has a placement"), std::string::npos) << r.output;
  r = check("{ agent: msc, dose: 1e6, at: 1 h, route: portal_vein, placement: grid }");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = check("{ agent: msc, dose: 1e6, at: 1 h, route: portal_vein, placement: cells, seed: 4 }");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("placed as whole cells, seed 4"), std::string::npos) << r.output;
}

// docs/therapy.md's parameter table: every therapy parameter of the code's table (MSC and EV
// parameters, the blood and liver volumes and flows) has a row, every row names a parameter of
// the code, and each source cites a study (a year) or says "no data" with its reason.
TEST(TherapyParameters, EveryOneHasASource) {
  std::ifstream in(test::source_path("docs/therapy.md"));
  ASSERT_TRUE(in) << "docs/therapy.md";
  std::map<std::string, std::string> source;  // parameter → its source column
  const std::regex row(R"(^\| `([A-Za-z0-9_]+)` \|.*\| ([^|]*) \|\s*$)");
  bool table = false;  // in the section "## Parameter sources (therapy)"
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("## ", 0) == 0) table = line.find("Parameter sources") != std::string::npos;
    std::smatch m;
    if (table && std::regex_match(line, m, row)) source[m[1]] = m[2];
  }
  ASSERT_GT(source.size(), 20u);
  const YAML::Node code = LiverFibrosis().resolved_parameters();
  const std::regex therapy(R"(msc|(^|_)ev(_|$)|engraft|^f_liver|^V_|^Q_|^t_inj|^k_up)");
  int rows = 0;
  for (const auto& kv : code) {
    const std::string key = kv.first.as<std::string>();
    if (!std::regex_search(key, therapy)) continue;
    ++rows;
    EXPECT_TRUE(source.count(key)) << key << " has no row in docs/therapy.md";
  }
  EXPECT_GE(rows, 20);
  const std::regex cited(R"((19|20)[0-9][0-9]|^no data: .{10,})");
  for (const auto& [key, text] : source) {
    EXPECT_TRUE(code[key].IsDefined()) << key << " is not a parameter of the model";
    EXPECT_TRUE(std::regex_search(text, cited))
        << key << ": the source \"" << text << "\" cites no study and says no \"no data: why\"";
  }
}

}  // namespace
}  // namespace lobule

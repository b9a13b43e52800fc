// The liver fibrosis model (kernels/models/liver_fibrosis_rates.hpp, host/model/liver_fibrosis*):
// its rates against MODEL.md's equations written out independently, the well-mixed limit
// against a standard ODE integrator, MMP–TIMP complexation, positivity under stiff rates, the
// healthy state at two time steps, CPU against CUDA, and the scenario keys and their errors.
#include <gtest/gtest.h>

#include <boost/numeric/odeint.hpp>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>

#include "geometry/labels.hpp"
#include "host/config/config.hpp"
#include "host/io/vti_io.hpp"
#include "host/model/liver_fibrosis.hpp"
#include "host/sim/output_writer.hpp"
#include "host/sim/stepper.hpp"
#include "support/each_backend.hpp"
#include "support/liver_equations.hpp"
#include "support/liver_scenarios.hpp"
#include "support/liver_start.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

using test::box_scenario;
using test::lobule_scenario;

const LiverFibrosis& liver(const Config& c) {
  return dynamic_cast<const LiverFibrosis&>(*c.model_impl);
}

// A start for the box scenario written as an earlier run's output, `value(field, voxel)` in
// every field; returns the `initial: { file: … }` line of the model section. The box has no
// blood, so its own "healthy" steady state is scar and not worth solving: the box tests set
// their start themselves.
std::string box_start(const test::TempDir& dir,
                      const std::function<double(int, std::size_t)>& value) {
  return test::liver_start(dir, box_scenario("", R"({ end: "1 h", dt: "1 h", scheme: rkl2 })"),
                           value);
}

// ---------------------------------------------------------------------------------------------
// The per-voxel rates, P − L·u, equal MODEL.md's right-hand sides at random states, every label
// (the cell-free ones included), zones and times (in and out of an injury period, before and
// after EV doses), with scar below and beyond C_block (where hepatocytes have no room left).

TEST(LiverRates, MatchTheModelEquationsAtRandomStates) {
  LiverParams p;
  p.injury[0] = {InjuryPattern::Pericentral, 0.3 / kDay, 2 * kDay, 5 * kDay};
  p.injury[1] = {InjuryPattern::Uniform, 0.1 / kDay, 4 * kDay, 6 * kDay};
  p.injury_periods = 2;
  p.s_ev_msc = 3.0 / kDay;  // a therapy term that is zero by default
  p.c_blood[kHgf] = 0.4;
  // Two EV doses (portal and peripheral) whose blood pulses the sinusoids exchange with.
  p.dose[0] = {TherapyAgent::Ev, TherapyRoute::PortalVein, 1 * kDay, 2e10, {0, 0, 0}, 0};
  p.dose[1] = {TherapyAgent::Ev, TherapyRoute::PeripheralIv, 3 * kDay, 5e10, {0, 0, 0}, 0};
  p.doses = 2;
  const LiverRates<double> r(p);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  const std::uint8_t labels[] = {kParenchyma, kSinusoid,      kPortalTract, kSeptum,
                                 kPortalVein, kHepaticArtery, kBileDuct,    kCentralVein};
  constexpr int kLabels = 8;
  int compared = 0, by_label[kLabels] = {}, blocked = 0;
  for (int n = 0; n < 2400; ++n) {
    test::LiverState u;
    for (int q = 0; q < kLiverFields; ++q) u[std::size_t(q)] = 2.0 * U(rng);
    u[kHep] = U(rng);
    u[kHsc] = U(rng);
    if (n % 3 == 0) {  // scar around and beyond C_block
      u[kCollagen] = 1.5 * p.C_block * U(rng);
      u[kCollagenX] = 0.5 * p.C_block * U(rng);
    }
    blocked += u[kCollagen] + u[kCollagenX] >= p.C_block;
    const std::uint8_t label = labels[n % kLabels];
    ++by_label[n % kLabels];
    const double zone = U(rng), t = 7 * kDay * U(rng);
    const VoxelRef v{0, 0, 0, 0, label, float(zone), label_weights<float>(label)};
    double P[kLiverFields], L[kLiverFields];
    r.rates(t, v, kLiverFields, u.data(), P, L);
    const auto want = test::liver_rhs(p, u, label, double(float(zone)), t);
    for (int q = 0; q < kLiverFields; ++q) {
      ASSERT_GE(P[q], 0.0) << "field " << q;
      ASSERT_GE(L[q], 0.0) << "field " << q;
      const double got = P[q] - L[q] * u[std::size_t(q)];
      const double scale = std::abs(P[q]) + std::abs(L[q] * u[std::size_t(q)]) + 1e-30;
      ASSERT_NEAR(got, want[std::size_t(q)], 1e-12 * scale)
          << "field " << q << ", label " << int(label) << ", zone " << zone << ", t " << t;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 2400 * kLiverFields);
  for (int l = 0; l < kLabels; ++l) EXPECT_EQ(by_label[l], 300) << "label " << int(labels[l]);
  std::printf("[ measured ] %d states of %d with C >= C_block\n", blocked, 2400);
  EXPECT_GT(blocked, 200);
}

// ---------------------------------------------------------------------------------------------

class LiverModel : public test::EachBackend {};

// Uniform box without vessels: every voxel follows the ODE system of MODEL.md, integrated here
// with Boost.Odeint's Dormand–Prince 5(4) at a tolerance of 1e-12. The balanced RKL2 step
// converges to it at second order.
TEST_P(LiverModel, WellMixedBoxFollowsTheOdeSolution) {
  // (MMP–TIMP set here, independent of the calibration: with the calibrated k_mt and TIMP
  // secretion the titration is stiff at these steps and the frozen-rate splitting is first order
  // there; see docs/liver_model.md. MSC secretion and EV uptake at MODEL.md's first guesses: the
  // calibrated ones are stiff at these steps for this start's msc = 0.5 and ev = 0.6, far above
  // what a dose brings.)
  test::TempDir dir;
  const std::string extra =
      box_start(dir, [](int, std::size_t) { return 0.0; }) +
      R"(  parameters: { k_mt: "10 1/d", s_timp_hsc: "40 1/d", s_mmp_m2: "28 1/d",
                s_il10_msc: "10 1/d", s_hgf_msc: "30 1/d", s_vegf_msc: "10 1/d",
                s_egf_msc: "5 1/d", s_mmp_msc: "20 1/d", k_up: "1 1/d" }
  injury: [ { pattern: uniform, rate: "0.4 1/d", from: "0 d", to: "1.5 d" } ]
  blood: { egf: 0.3 })";
  test::LiverState start{};
  start[kTgfb] = 0.5, start[kTnfa] = 0.2, start[kIl10] = 0.1, start[kHgf] = 0.3;
  start[kVegf] = 0.2, start[kEgf] = 0.25, start[kMmp] = 0.3, start[kTimp] = 0.4, start[kEv] = 0.6;
  start[kHep] = 0.8, start[kHsc] = 0.2, start[kMac1] = 0.3, start[kMac2] = 0.1;
  start[kMsc] = 0.5, start[kEvCargo] = 0.2, start[kCollagen] = 0.4, start[kCollagenX] = 0.2;
  const double T = 2 * kDay;
  std::vector<double> errors;
  test::LiverState exact{};
  for (const char* dt : {"1 h", "30 min", "15 min"}) {
    const Config c = parse_config(box_scenario(extra, R"({ end: "2 d", dt: "1 h", scheme: rkl2 })"),
                                  "liver_box.yaml", {std::string("time.dt=") + dt});
    Stepper<double> s(c, GetParam());
    HostFields<double> f = s.fields();
    for (int q = 0; q < kLiverFields; ++q)
      for (std::size_t v = 0; v < f.species[std::size_t(q)].u.size(); ++v)
        if (f.label[v] != kOutside) f.species[std::size_t(q)].u[v] = start[std::size_t(q)];
    s.restore(f, 0.0, 0, 0);
    if (errors.empty()) {
      const LiverParams p = liver(c).params();
      auto rhs = [&](const test::LiverState& x, test::LiverState& dxdt, double t) {
        dxdt = test::liver_rhs(p, x, 0, 0.0, t);
      };
      exact = start;
      namespace odeint = boost::numeric::odeint;
      // Integrate across the end of the injury exactly: two legs.
      odeint::integrate_adaptive(
          odeint::make_dense_output(1e-12, 1e-12, odeint::runge_kutta_dopri5<test::LiverState>()),
          rhs, exact, 0.0, 1.5 * kDay, 60.0);
      odeint::integrate_adaptive(
          odeint::make_dense_output(1e-12, 1e-12, odeint::runge_kutta_dopri5<test::LiverState>()),
          rhs, exact, 1.5 * kDay, T, 60.0);
    }
    s.advance_to(T);
    const auto& g = s.fields();
    const std::size_t c0 = g.box.idx(1, 1, 1);
    double err = 0;
    for (int q = 0; q < kLiverFields; ++q) {
      const double x = exact[std::size_t(q)];
      const double e = std::abs(g.species[std::size_t(q)].u[c0] - x) / std::max(x, 1e-3);
      err = std::max(err, e);
      // uniform stays uniform
      EXPECT_NEAR(g.species[std::size_t(q)].u[g.box.idx(2, 0, 1)], g.species[std::size_t(q)].u[c0],
                  1e-12 * (1 + x));
    }
    errors.push_back(err);
  }
  std::printf(
      "[ measured ] liver well mixed on %s, dt = 1 h, 30 min, 15 min: max rel. error "
      "%.3g %.3g %.3g\n",
      backend(), errors[0], errors[1], errors[2]);
  // Second order: at least 3.6 per halving of dt and 14 over the factor 4 (measured 10.7 and
  // 5.2, 56 over the factor 4; order 1.5 would give 2.8 and 8).
  EXPECT_LT(errors[2], 1e-3);  // measured 1.2e-4
  EXPECT_GE(errors[0] / errors[1], 3.6);
  EXPECT_GE(errors[1] / errors[2], 3.6);
  EXPECT_GE(errors[0] / errors[2], 14.0);
}

// mmp − timp is conserved by complexation: with their sources off and their half-lives
// effectively infinite, the totals over a no-flux box differ by a constant. The explicit step
// loses both at the same rate k_mt·mmp·timp and keeps the difference to round-off; the balanced
// long step freezes each one's loss rate separately and keeps it to its time error, which
// shrinks at second order.
TEST_P(LiverModel, MmpTimpComplexationConservesTheirDifference) {
  test::TempDir dir;
  const std::string extra = box_start(dir, [](int, std::size_t) { return 0.0; }) + R"(  parameters:
    s_mmp_m2: 0
    s_mmp_hsc: 0
    s_mmp_msc: 0
    s_timp_hsc: 0
    s_timp_m1: 0
    half_life_mmp: "1e9 d"
    half_life_timp: "1e9 d"
    k_mt: "20 1/d")";
  auto total = [](const HostFields<double>& h, int q) {
    double sum = 0;
    for (std::size_t v = 0; v < h.label.size(); ++v)
      if (h.label[v] != kOutside) sum += h.species[std::size_t(q)].u[v];
    return sum;
  };
  // Returns the relative drift of Σmmp − Σtimp after `end`, and Σmmp's relative fall.
  auto drift = [&](const std::string& scheme, const std::string& dt, double end) {
    const Config c = parse_config(box_scenario(extra, R"({ end: "1 d", dt: "1 h", scheme: rkl2 })"),
                                  "liver_box.yaml", {"time.scheme=" + scheme, "time.dt=" + dt});
    Stepper<double> s(c, GetParam());
    HostFields<double> f = s.fields();
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> U(0.5, 1.5);
    for (std::size_t v = 0; v < f.label.size(); ++v)
      if (f.label[v] != kOutside)
        f.species[kMmp].u[v] = U(rng), f.species[kTimp].u[v] = 0.5 * U(rng);
    s.restore(f, 0.0, 0, 0);
    const double diff0 = total(f, kMmp) - total(f, kTimp), mmp0 = total(f, kMmp);
    s.advance_to(end);
    const auto& g = s.fields();
    return std::make_pair(std::abs(total(g, kMmp) - total(g, kTimp) - diff0) / mmp0,
                          1 - total(g, kMmp) / mmp0);
  };
  const auto e = drift("explicit", "0.5 s", 600);
  EXPECT_GT(e.second, 0.01) << "complexation must act";
  EXPECT_LT(e.first, 1e-11);  // round-off of 1200 steps
  std::vector<double> d;
  for (const char* dt : {"1 h", "30 min", "15 min"}) {
    const auto r = drift("rkl2", dt, kDay);
    EXPECT_GT(r.second, 0.2) << "complexation must act";
    d.push_back(r.first);
  }
  std::printf(
      "[ measured ] liver mmp - timp drift over 1 d on %s, rkl2 dt = 1 h, 30, 15 min: "
      "%.3g %.3g %.3g\n",
      backend(), d[0], d[1], d[2]);
  EXPECT_LT(d[2], 2e-3);
  EXPECT_GT(d[0] / d[2], 8.0);
}

// Every rate × 100 (decays included) at dt = 1 h under injury, from a random state in a box:
// the step stays non-negative and finite in every field, at every voxel of the grid (the
// padded arrays' halo layer holds boundary values and RKL2 increments, not field values).
TEST_P(LiverModel, StaysNonNegativeUnderStiffRatesAtLongSteps) {
  std::vector<std::string> sets;
  const LiverParams p;
#define LOBULE_STIFF(sym, dim, value, meaning)   \
  if (std::string(#dim) == "kRate" && p.sym > 0) \
    sets.push_back(fmt::format("model.parameters.{}={:.17g} 1/s", #sym, 100 * p.sym));
  LOBULE_LIVER_PARAMETERS(LOBULE_STIFF)
#undef LOBULE_STIFF
  const auto fields = LiverFibrosis().fields();
  for (int q = 0; q < kLiverDiffusing; ++q)
    sets.push_back(fmt::format("model.parameters.half_life_{}={:.17g} s",
                               fields[std::size_t(q)].name, p.half_life[q] / 100));
  // The start: every field random, written as an earlier run's output (model.initial.file), so
  // that no healthy state is solved for these parameters.
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  test::TempDir dir;
  const std::string extra = box_start(dir, [&](int, std::size_t) { return U(rng) * U(rng); }) + R"(
  injury: [ { pattern: uniform, rate: "0.3 1/d", from: "0 d", to: "1 d" } ])";
  const Config c = parse_config(box_scenario(extra, R"({ end: "2 d", dt: "1 h", scheme: rkl2 })"),
                                "liver_box.yaml", sets);
  const Geometry g = make_geometry(c);
  Stepper<double> s(c, GetParam());
  for (double t : {1 * kHour, 3 * kHour, 6 * kHour}) {
    s.advance_to(t);
    const auto& f = s.fields();
    for (const auto& sp : f.species) {
      const std::vector<double> u = interior_of(f.box, sp.u);
      ASSERT_EQ(u.size(), g.voxels());
      for (double x : u)
        ASSERT_TRUE(std::isfinite(x) && x >= 0) << sp.name << " = " << x << " at t = " << t;
    }
  }
}

LOBULE_EACH_BACKEND(LiverModel);

// One day of the shipped ccl4_4wk scenario on the GPU against the CPU, in double.
TEST(LiverCuda, MatchesTheCpuForOneDayOfCcl4) {
  if (!cuda_available()) GTEST_SKIP() << "no CUDA GPU visible";
  const Config c =
      load_config(test::source_path("inputs/ccl4_4wk.yaml"), {"time.end=1 d", "precision=double"});
  Stepper<double> cpu(c, BackendChoice::Cpu), gpu(c, BackendChoice::Cuda);
  cpu.advance_to(kDay);
  gpu.advance_to(kDay);
  const auto &a = cpu.fields(), &b = gpu.fields();
  for (std::size_t q = 0; q < a.species.size(); ++q)
    for (std::size_t v = 0; v < a.species[q].u.size(); ++v)
      ASSERT_NEAR(a.species[q].u[v], b.species[q].u[v], 1e-9 * (1 + std::abs(a.species[q].u[v])))
          << a.species[q].name;
}

// ---------------------------------------------------------------------------------------------
// The scenario keys.

std::string error_of(const std::string& extra) {
  return test::config_error_of(lobule_scenario(extra, R"({ end: "1 d", dt: "1 h", scheme: rkl2 })"),
                               "l.yaml");
}

TEST(LiverConfig, ScenarioKeysAreReadWithUnits) {
  const Config c = parse_config(
      lobule_scenario(
          R"(  parameters: { k_deg: "1 1/d", K_tgfb: 0.7, D_ev: "4 um^2/s", C_half_ev: 0.1 }
  blood: { tgfb: 0.3, egf: 0.2 }
  injury:
    - { pattern: pericentral, rate: "0.3 1/d", from: "0 d", to: "4 wk" }
    - { pattern: periportal, rate: "2 1/wk", from: "5 wk", to: "6 wk" })",
          R"({ end: "1 d", dt: "1 h", scheme: rkl2 })"),
      "l.yaml");
  const LiverParams& p = liver(c).params();
  EXPECT_DOUBLE_EQ(p.k_deg, 1.0 / kDay);
  EXPECT_DOUBLE_EQ(p.K_tgfb, 0.7);
  EXPECT_DOUBLE_EQ(p.D[kEv], 4.0);
  EXPECT_DOUBLE_EQ(p.c_blood[kTgfb], 0.3);
  ASSERT_EQ(p.injury_periods, 2);
  EXPECT_DOUBLE_EQ(p.injury[0].to, 28 * kDay);
  EXPECT_EQ(p.injury[1].pattern, InjuryPattern::Periportal);
  EXPECT_DOUBLE_EQ(p.injury[1].rate, 2.0 / (7 * kDay));
  // The species come from the model: 17 fields, 9 diffusing with the scar-hindered D.
  ASSERT_EQ(c.species.size(), std::size_t(kLiverFields));
  EXPECT_EQ(c.species[kEv].name, "ev");
  EXPECT_DOUBLE_EQ(c.species[kEv].diffusivity, 4.0);
  EXPECT_DOUBLE_EQ(c.species[kEv].driver.c_half, 0.1);
  EXPECT_EQ(c.species[kCollagenX].diffusivity, 0.0);
  // The resolved config runs again as it is.
  YAML::Emitter out;
  out << resolved_yaml(c);
  const Config again = parse_config(out.c_str(), "resolved.yaml");
  EXPECT_DOUBLE_EQ(liver(again).params().injury[1].rate, p.injury[1].rate);
  EXPECT_DOUBLE_EQ(liver(again).params().c_blood[kEgf], 0.2);
  EXPECT_DOUBLE_EQ(liver(again).params().k_deg, p.k_deg);
}

// `lobule check` reads model.initial's file as `run` would: a file that is not a .vti, or one
// with a negative value, is refused with exit code 2 naming the file; a good one is valid.
TEST(LiverConfig, CheckReadsTheStartFile) {
  test::TempDir dir;
  const auto check = [&](const std::string& initial) {
    const std::string cfg =
        dir.write("s.yaml", box_scenario(initial, R"({ end: "1 h", dt: "1 h", scheme: rkl2 })"));
    return test::run_lobule({"check", cfg});
  };
  const std::string garbage = dir.write("garbage.vti", "not a vti");
  auto r = check("  initial: { file: " + garbage + " }\n");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("garbage.vti: not a VTK ImageData"), std::string::npos) << r.output;
  r = check(
      box_start(dir, [](int q, std::size_t v) { return q == kCollagen && v == 5 ? -1.0 : 0.5; }));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("array 'collagen'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("non-negative"), std::string::npos) << r.output;
  r = check(box_start(dir, [](int, std::size_t) { return 0.5; }));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("valid"), std::string::npos) << r.output;
}

// A start file of the same grid but another lobule (here stage F3 septa on an F0 lobule) is
// refused naming how many voxels' labels differ; the same lobule's file is valid.
TEST(LiverConfig, AStartFileOfAnotherLobuleIsRefused) {
  test::TempDir dir;
  const std::string time = R"({ end: "1 h", dt: "1 h", scheme: rkl2 })";
  const std::string head = R"(
name: liver_test
grid: { spacing: "10 um" }
geometry:
  kind: hex_lobule
  radius: "150 um"
  height: "10 um"
  central_vein_radius: "20 um"
  portal: { vein_radius: "15 um", artery_radius: "5 um", duct_radius: "5 um", tract_radius: "30 um" }
  sinusoids: { allow_coarse: true, plate_thickness: "30 um" }
)";
  const std::string f3 = head + "  fibrosis: { stage: F3, septum_width: \"20 um\" }\n";
  const std::string start = test::liver_start(dir, test::liver_scenario(f3, "", time),
                                              [](int, std::size_t) { return 0.5; });
  auto r =
      test::run_lobule({"check", dir.write("f0.yaml", test::liver_scenario(head, start, time))});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("its label array differs from this scenario's geometry"),
            std::string::npos)
      << r.output;
  r = test::run_lobule({"check", dir.write("f3.yaml", test::liver_scenario(f3, start, time))});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(LiverConfig, BadScenarioKeysNameTheKey) {
  const auto has = [](const std::string& e, const std::string& what) {
    return e.find(what) != std::string::npos;
  };
  std::string e = error_of("  blood: { collagen: 1 }");
  EXPECT_TRUE(has(e, "model.blood.collagen") && has(e, "not a diffusing field")) << e;
  e = error_of("  blood: { tgfb: -1 }");
  EXPECT_TRUE(has(e, "model.blood.tgfb")) << e;
  e = error_of("  injury: [ { pattern: zonal, rate: \"1 1/d\", to: \"1 d\" } ]");
  EXPECT_TRUE(has(e, "model.injury[0].pattern") && has(e, "pericentral")) << e;
  e = error_of("  injury: [ { pattern: uniform, rate: \"1 1/d\", from: \"2 d\", to: \"1 d\" } ]");
  EXPECT_TRUE(has(e, "model.injury[0].to")) << e;
  e = error_of("  injury: [ { pattern: uniform, rate: \"1 um\", to: \"1 d\" } ]");
  EXPECT_TRUE(has(e, "model.injury[0].rate")) << e;
  e = error_of("  initial: sick");
  EXPECT_TRUE(has(e, "model.initial") && has(e, "healthy")) << e;
  e = error_of("  initial: { file: nowhere.vti }");
  EXPECT_TRUE(has(e, "model.initial.file") && has(e, "no such file")) << e;
  e = error_of("  parameters: { K_tgfb: 0 }");
  EXPECT_TRUE(has(e, "model.parameters.K_tgfb") && has(e, "positive")) << e;
  e = error_of("  parameters: { p_cargo: 2 }");
  EXPECT_TRUE(has(e, "model.parameters.p_cargo")) << e;
  e = error_of("  parameters: { D_collagen: \"1 um^2/s\" }");
  EXPECT_TRUE(has(e, "unknown parameter of model liver_fibrosis")) << e;
  e = test::config_error_of(
      lobule_scenario("", R"({ end: "1 d", dt: "1 h" })") + "species: [ { name: tgfb } ]\n",
      "l.yaml");
  EXPECT_TRUE(has(e, "species") && has(e, "defines its fields itself")) << e;
}

}  // namespace
}  // namespace lobule

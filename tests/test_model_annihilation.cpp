// The model layer end to end with its test model, A + B → ∅ plus a local record C
// (kernels/models/annihilation_rates.hpp, host/model/annihilation.cpp), on every backend:
// the well-mixed solution, mass balance, a local field that never spreads, the YAML
// interface and its errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "host/config/config.hpp"
#include "host/config/config_error.hpp"
#include "host/errors.hpp"
#include "host/model/model.hpp"
#include "host/sim/stepper.hpp"
#include "support/each_backend.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

// a starts as `a_initial`, b uniform 0.6, c zero; no-flux box of 8 × 6 × 4 voxels of 10 µm.
std::string scenario(const std::string& a_initial, const std::string& time,
                     const std::string& c_diffusivity = "0") {
  return R"(
name: annihilation_test
grid: { spacing: "10 um" }
geometry: { kind: box, size: ["80 um", "60 um", "40 um"] }
model: { name: annihilation, parameters: { k: "0.01 1/s" } }
species:
  - { name: a, diffusivity: "50 um^2/s", initial: )" +
         a_initial + R"( }
  - { name: b, diffusivity: "20 um^2/s", initial: { kind: uniform, value: 0.6 } }
  - { name: c, diffusivity: )" +
         c_diffusivity + R"(, initial: { kind: uniform, value: 0 } }
boundaries: { default: no_flux }
time: )" +
         time + R"(
precision: double
)";
}

const char* kUniformA = "{ kind: uniform, value: 1.0 }";
const char* kPulseA =
    R"({ kind: gaussian, center: ["20 um", "30 um", "20 um"], sigma: "15 um", peak: 2.0, background: 0.7 })";

// Well mixed: a' = −k·a·(a − Δ), Δ = a₀ − b₀, so a(t) = Δ/(1 − (1 − Δ/a₀)·e^{−kΔt}).
double well_mixed_a(double t) {
  const double k = 0.01, a0 = 1.0, delta = 0.4;
  return delta / (1 - (1 - delta / a0) * std::exp(-k * delta * t));
}

class Annihilation : public test::EachBackend {
 protected:
  // Runs the scenario to T and returns the fields on the host.
  HostFields<double> run(const std::string& yaml, double T, const std::string& dt,
                         const std::string& scheme) {
    const Config c =
        parse_config(yaml, "annihilation.yaml", {"time.dt=" + dt, "time.scheme=" + scheme});
    Stepper<double> s(c, GetParam());
    s.advance_to(T);
    return s.fields();
  }
  static double total(const HostFields<double>& f, std::size_t q) {
    double sum = 0;
    const Box& b = f.box;
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j)
        for (int i = 0; i < b.nx; ++i) sum += f.species[q].u[b.idx(i, j, k)];
    return sum;
  }
};

TEST_P(Annihilation, WellMixedFieldsFollowTheOdeSolution) {
  const double T = 300;
  const std::string yaml = scenario(kUniformA, R"({ end: "300 s", dt: "1 s" })");
  std::vector<double> errors;
  for (const char* dt : {"20 s", "10 s", "5 s"}) {
    const auto f = run(yaml, T, dt, "rkl2");
    const std::size_t c = f.box.idx(3, 2, 1);
    const double a = well_mixed_a(T), b = a - 0.4;
    errors.push_back(std::max({std::abs(f.species[0].u[c] - a), std::abs(f.species[1].u[c] - b),
                               std::abs(f.species[2].u[c] - (1.0 - a))}));
    // Uniform fields stay uniform.
    EXPECT_NEAR(f.species[0].u[f.box.idx(7, 5, 3)], f.species[0].u[c], 1e-14);
  }
  std::printf(
      "[ measured ] annihilation well mixed on %s, dt = 20, 10, 5 s: max error %.3g %.3g %.3g\n",
      backend(), errors[0], errors[1], errors[2]);
  EXPECT_LT(errors[2], 2e-4);  // measured 1.3e-4 (a moves by 0.4 over the run)
  EXPECT_GT(std::log2(errors[0] / errors[1]), 1.8);  // second order
  EXPECT_GT(std::log2(errors[1] / errors[2]), 1.8);
  // The explicit reference agrees too (first order, tiny steps).
  const auto e = run(yaml, T, "0.05 s", "explicit");
  EXPECT_NEAR(e.species[0].u[e.box.idx(3, 2, 1)], well_mixed_a(T), 1e-4);
}

// With no-flux faces a − b and a + c are conserved by the equations; the scheme keeps them to
// its own time error, which shrinks at second order.
TEST_P(Annihilation, MassBalanceHoldsToSecondOrder) {
  const std::string yaml = scenario(kPulseA, R"({ end: "200 s", dt: "1 s" })");
  const Config c0 = parse_config(yaml, "annihilation.yaml", {"time.scheme=rkl2"});
  Stepper<double> start(c0, GetParam());
  const auto& f0 = start.fields();
  const double amb0 = total(f0, 0) - total(f0, 1), apc0 = total(f0, 0) + total(f0, 2);
  std::vector<double> drift;
  for (const char* dt : {"20 s", "10 s", "5 s"}) {
    const auto f = run(yaml, 200, dt, "rkl2");
    drift.push_back(std::max(std::abs(total(f, 0) - total(f, 1) - amb0),
                             std::abs(total(f, 0) + total(f, 2) - apc0)) /
                    apc0);
  }
  std::printf(
      "[ measured ] annihilation mass balance on %s, dt = 20, 10, 5 s: relative drift %.3g %.3g "
      "%.3g\n",
      backend(), drift[0], drift[1], drift[2]);
  // Second order: at least 3.6 per halving and 14 over the factor 4 in dt (measured 3.8, 4.2).
  EXPECT_LT(drift[2], 1e-3);  // measured 1.7e-4
  EXPECT_GE(drift[0] / drift[1], 3.6);
  EXPECT_GE(drift[1] / drift[2], 3.6);
  EXPECT_GE(drift[0] / drift[2], 14.0);
}

// c is local: with a = b = 0 nothing reacts, and a spike of c stays exactly where it is.
TEST_P(Annihilation, ALocalFieldNeverSpreads) {
  std::string yaml =
      scenario("{ kind: uniform, value: 0 }", R"({ end: "600 s", dt: "60 s", scheme: rkl2 })");
  yaml.replace(yaml.find("{ kind: uniform, value: 0.6 }"), 29, "{ kind: uniform, value: 0 }");
  yaml.replace(
      yaml.rfind("{ kind: uniform, value: 0 }"), 27,
      R"({ kind: gaussian, center: ["40 um", "30 um", "20 um"], sigma: "5 um", peak: 1 })");
  const Config c = parse_config(yaml, "annihilation.yaml");
  Stepper<double> s(c, GetParam());
  const auto before = s.fields().species[2].u;
  EXPECT_TRUE(s.fields().species[2].D.empty()) << "a local field carries no diffusivity array";
  s.advance_to(600);
  const auto& after = s.fields().species[2].u;
  const Box& b = s.fields().box;
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) ASSERT_EQ(after[b.idx(i, j, k)], before[b.idx(i, j, k)]);
}

// Forward Euler with k·a·dt > 1 flips the sign of b (b⁺ = b·(1 − k·a·dt)), and back again the
// next step: a = 1, b = 0.05, k = 1/s, dt = 1.5 s give b = −0.025 after one step and +0.0097
// after two. The fields look fine at every even step; the check must still see the odd one.
std::string flipping(const std::string& dt, const std::string& output_every = "0") {
  return R"(
name: flipping_sign
grid: { spacing: "10 um" }
geometry: { kind: box, size: ["40 um", "30 um", "20 um"] }
model: { name: annihilation, parameters: { k: "1 1/s" } }
species:
  - { name: a, diffusivity: "1 um^2/s", initial: { kind: uniform, value: 1.0 } }
  - { name: b, diffusivity: "1 um^2/s", initial: { kind: uniform, value: 0.05 } }
  - { name: c, diffusivity: 0, initial: { kind: uniform, value: 0 } }
boundaries: { default: no_flux }
time: { end: "6 s", dt: ")" +
         dt + R"(", scheme: explicit }
output: { every: ")" +
         output_every + R"( s" }
precision: double
)";
}

TEST_P(Annihilation, AnExplicitStepThatWentNegativeIsCaughtAfterItTurnedPositive) {
  const Config flip = parse_config(flipping("1.5 s"), "flip.yaml");
  Stepper<double> s(flip, GetParam());
  s.advance_to(3.0);
  ASSERT_EQ(s.steps(), 2);
  const auto& f = s.fields();
  const std::size_t c = f.box.idx(2, 1, 1);
  EXPECT_NEAR(f.species[1].u[c], 0.05 * (1 - 1.5) * (1 - 1.5 * (1 - 1.5 * 0.05)), 1e-12);
  EXPECT_GT(f.species[1].u[c], 0.0) << "b must look fine now, or the test proves nothing";
  try {
    s.check_state();
    ADD_FAILURE() << "the negative step went unnoticed";
  } catch (const NumericalError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("species 'b' went negative (-0.025) in an explicit step before t = 3 s, "
                     "step 2"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("time.dt"), std::string::npos) << m;
  }
  // With k·a·dt < 1 every step keeps b positive: nothing to report.
  const Config short_steps = parse_config(flipping("0.5 s"), "flip.yaml");
  Stepper<double> fine(short_steps, GetParam());
  fine.advance_to(3.0);
  EXPECT_NO_THROW(fine.check_state());
}

LOBULE_EACH_BACKEND(Annihilation);

// Through the executable: outputs at 3 s and 6 s (even steps) both look fine, so only the check
// of every step stops the run, with the numerical-failure exit code.
TEST(AnnihilationRun, ANegativeStepBetweenOutputsStopsTheRun) {
  const test::TempDir dir;
  const std::string cfg = dir.write("flip.yaml", flipping("1.5 s", "3"));
  const auto r =
      test::run_lobule({"run", cfg, "-o", dir.path() + "/out", "-q", "--backend", "cpu"});
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_NE(r.output.find("species 'b' went negative"), std::string::npos) << r.output;
  const auto ok = test::run_lobule(
      {"run", dir.write("ok.yaml", flipping("0.5 s", "3")), "-o", dir.path() + "/ok", "-q"});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

// The coupled model on the CUDA engine against the CPU engine (the oracle), both schemes, in
// double: the same arithmetic up to rounding. Skipped without a GPU.
TEST(AnnihilationCuda, MatchesTheCpu) {
  if (!cuda_available()) GTEST_SKIP() << "no CUDA GPU visible";
  for (const char* scheme : {"rkl2", "explicit"}) {
    const std::string dt = std::string(scheme) == "rkl2" ? "20 s" : "0.25 s";  // limit 1/3 s
    const Config c =
        parse_config(scenario(kPulseA, R"({ end: "100 s", dt: "1 s" })"), "annihilation.yaml",
                     {"time.dt=" + dt, std::string("time.scheme=") + scheme});
    Stepper<double> cpu(c, BackendChoice::Cpu), gpu(c, BackendChoice::Cuda);
    cpu.advance_to(100);
    gpu.advance_to(100);
    const auto &a = cpu.fields(), &b = gpu.fields();
    for (std::size_t q = 0; q < 3; ++q)
      for (std::size_t v = 0; v < a.species[q].u.size(); ++v)
        ASSERT_NEAR(a.species[q].u[v], b.species[q].u[v], 1e-11) << scheme << ", field " << q;
  }
}

std::string error_of(const std::string& yaml) {
  return test::config_error_of(yaml, "m.yaml");
}

TEST(ModelConfig, ErrorsNameTheKeyAndTheModel) {
  const std::string ok = scenario(kUniformA, R"({ end: "1 min", dt: "10 s", scheme: rkl2 })");
  EXPECT_EQ(error_of(ok), "");
  auto with = [&](const std::string& from, const std::string& to) {
    std::string y = ok;
    y.replace(y.find(from), from.size(), to);
    return error_of(y);
  };
  const std::string unknown = with("{ name: annihilation,", "{ name: annihilaton,");
  EXPECT_NE(unknown.find("diffusion_decay, annihilation"), std::string::npos) << unknown;
  const std::string param = with("k: \"0.01 1/s\"", "kk: 1");
  EXPECT_NE(param.find("model.parameters.kk"), std::string::npos) << param;
  EXPECT_NE(param.find("unknown parameter of model annihilation"), std::string::npos) << param;
  const std::string units = with("k: \"0.01 1/s\"", "k: \"3 um\"");
  EXPECT_NE(units.find("model.parameters.k"), std::string::npos) << units;
  const std::string order = with("name: a,", "name: x,");
  EXPECT_NE(order.find("in the order a, b, c"), std::string::npos) << order;
  const std::string local = with("name: c, diffusivity: 0", "name: c, diffusivity: \"5 um^2/s\"");
  EXPECT_NE(local.find("'c' is a local field"), std::string::npos) << local;
  const std::string decay = with("name: b, diffusivity: \"20 um^2/s\"",
                                 "name: b, diffusivity: \"20 um^2/s\", decay: \"1 1/s\"");
  EXPECT_NE(decay.find("species[1].decay"), std::string::npos) << decay;
  const std::string dd = error_of(R"(
name: x
grid: { spacing: "10 um" }
geometry: { kind: box, size: ["20 um", "20 um", "20 um"] }
model: { name: diffusion_decay, parameters: { k: 1 } }
species: [ { name: u, diffusivity: "1 um^2/s" } ]
time: { end: "1 s", dt: auto }
)");
  EXPECT_NE(dd.find("diffusion_decay takes no parameters"), std::string::npos) << dd;
}

TEST(ModelConfig, ResolvedConfigKeepsTheParametersAndRoundTrips) {
  const Config c =
      parse_config(scenario(kUniformA, R"({ end: "1 min", dt: "10 s", scheme: rkl2 })"), "m.yaml",
                   {"model.parameters.k=0.5 1/min"});
  YAML::Emitter out;
  out << resolved_yaml(c);
  const Config again = parse_config(out.c_str(), "resolved.yaml");
  ASSERT_TRUE(again.model_impl);
  EXPECT_EQ(again.model, "annihilation");
  const std::string text = out.c_str();
  EXPECT_NE(text.find("k: 0.008333"), std::string::npos) << text;
}

// From the command line: the model's column in timeseries.csv, its parameters in config.yaml.
TEST(ModelCli, RunWritesTheModelObservables) {
  test::TempDir dir;
  const auto path =
      dir.write("m.yaml", scenario(kPulseA, R"({ end: "2 min", dt: "30 s", scheme: rkl2 })"));
  const auto r =
      test::run_lobule({"run", path, "-o", dir.path() + "/out", "--quiet", "--backend", "cpu"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream csv(dir.path() + "/out/timeseries.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "time,a_total,a_mean,b_total,b_mean,c_total,c_mean,a_minus_b_total");
  // The rows: totals are Σ u·h³ over the 192 voxels of 10 µm (192 000 µm³), means the totals
  // over that volume, the observable a_total − b_total; a and b react away together and c
  // records what reacted (a + c stays), from b = 0.6 and c = 0.
  constexpr double kVolume = 192 * 1000.0;  // µm³
  std::vector<std::vector<double>> rows;
  for (std::string line; std::getline(csv, line);) {
    std::vector<double> row;
    std::stringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) row.push_back(std::stod(cell));
    ASSERT_EQ(row.size(), 8u) << line;
    rows.push_back(row);
  }
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows.front()[0], 0.0);
  EXPECT_EQ(rows.back()[0], 120.0);
  EXPECT_NEAR(rows.front()[3], 0.6 * kVolume, 1e-6 * kVolume);
  EXPECT_EQ(rows.front()[5], 0.0);
  for (const auto& r : rows) {
    EXPECT_NEAR(r[7], r[1] - r[3], 1e-8 * r[1]) << "t = " << r[0];
    for (std::size_t q : {1, 3, 5}) EXPECT_NEAR(r[q + 1], r[q] / kVolume, 1e-8 * r[q] / kVolume);
    EXPECT_NEAR(r[1] + r[5], rows.front()[1], 1e-3 * rows.front()[1]) << "t = " << r[0];
  }
  std::printf("[ measured ] a_total %.6g -> %.6g, c_total %.6g -> %.6g, a + c drifts by %.2g\n",
              rows.front()[1], rows.back()[1], rows.front()[5], rows.back()[5],
              (rows.back()[1] + rows.back()[5]) / rows.front()[1] - 1);
  EXPECT_LT(rows.back()[1], 0.95 * rows.front()[1]) << "a reacts away";
  EXPECT_GT(rows.back()[5], 0.05 * rows.front()[1]) << "c records the reaction";
  std::ifstream cfg(dir.path() + "/out/config.yaml");
  std::stringstream ss;
  ss << cfg.rdbuf();
  EXPECT_NE(ss.str().find("k: 0.01 1/s"), std::string::npos) << ss.str();
}

// A checkpoint remembers the model's parameters: a restart with another rate constant is refused
// and names the key; with the same one it continues.
TEST(ModelCli, RestartChecksTheModelParameters) {
  test::TempDir dir;
  const auto path =
      dir.write("m.yaml", scenario(kPulseA, R"({ end: "2 min", dt: "30 s", scheme: rkl2 })") +
                              "checkpoint: { every: \"1 min\" }\n");
  const std::string out = dir.path() + "/out";
  const auto first = test::run_lobule({"run", path, "-o", out, "--quiet", "--backend", "cpu"});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const auto changed = test::run_lobule({"run", path, "-o", out, "--quiet", "--backend", "cpu",
                                         "--restart", "latest", "--set",
                                         "model.parameters.k=0.02 1/s", "--set", "time.end=3 min"});
  EXPECT_EQ(changed.exit_code, 2) << changed.output;
  EXPECT_NE(changed.output.find("model.parameters.k"), std::string::npos) << changed.output;
  const auto same = test::run_lobule({"run", path, "-o", out, "--quiet", "--backend", "cpu",
                                      "--restart", "latest", "--set", "time.end=3 min"});
  EXPECT_EQ(same.exit_code, 0) << same.output;
}

}  // namespace
}  // namespace lobule

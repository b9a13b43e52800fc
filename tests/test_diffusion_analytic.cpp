// The explicit diffusion–decay solver against exact solutions: Gaussian pulse with its
// convergence order, cosine mode decay, pure decay, Dirichlet steady state with decay.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "host/sim/stepper.hpp"
#include "support/analytic.hpp"
#include "support/each_backend.hpp"

namespace lobule {
namespace {

using test::config_from;
using test::relative_l2_error;

// A Gaussian pulse of width σ0 in free space spreads as
//   u(r, t) = p·(σ0²/σt²)^{3/2}·exp(−r²/(2σt²)),   σt² = σ0² + 2·D·t.
double gaussian_pulse_error(BackendChoice which, double h) {
  const double D = 100, sigma0 = 10, t_end = 1.5, L = 160, c = L / 2;
  const double dt = h * h / (12 * D);  // half the stability limit: dt ∝ h²
  const Config cfg = config_from(fmt::format(R"(
grid: {{ spacing: {h} }}
geometry: {{ kind: box, size: [{L}, {L}, {L}] }}
species:
  - {{ name: u, diffusivity: {D}, initial: {{ kind: gaussian, center: [{c}, {c}, {c}], sigma: {s}, peak: 1 }} }}
time: {{ end: {T}, dt: {dt} }}
precision: double
)",
                                             fmt::arg("h", h), fmt::arg("L", L), fmt::arg("D", D),
                                             fmt::arg("c", c), fmt::arg("s", sigma0),
                                             fmt::arg("T", t_end), fmt::arg("dt", dt)));
  Stepper<double> run(cfg, which);
  run.advance_to(t_end);
  const double s2 = sigma0 * sigma0 + 2 * D * t_end;
  return relative_l2_error(run.fields(), run.geometry(), 0, [&](double x, double y, double z) {
    const double r2 = (x - c) * (x - c) + (y - c) * (y - c) + (z - c) * (z - c);
    return std::pow(sigma0 * sigma0 / s2, 1.5) * std::exp(-r2 / (2 * s2));
  });
}

class DiffusionAnalytic : public test::EachBackend {};

TEST_P(DiffusionAnalytic, GaussianPulseConvergesAtSecondOrder) {
  const BackendChoice which = GetParam();
  const double e10 = gaussian_pulse_error(which, 10), e5 = gaussian_pulse_error(which, 5),
               e25 = gaussian_pulse_error(which, 2.5);
  RecordProperty("error_h10", std::to_string(e10));
  RecordProperty("error_h5", std::to_string(e5));
  RecordProperty("error_h2.5", std::to_string(e25));
  EXPECT_LT(e25, 5e-3);
  // Halving h (and dt ∝ h²) divides the error by about 4.
  EXPECT_NEAR(e10 / e5, 4.0, 0.6) << e10 << " " << e5;
  EXPECT_NEAR(e5 / e25, 4.0, 0.4) << e5 << " " << e25;
}

// A cosine mode with no-flux faces, u = A·cos(kx) + B, k = π·m/L, decays as
//   u(x, t) = A·e^{−(D·k² + λ)t}·cos(kx) + B·e^{−λt}.
TEST_P(DiffusionAnalytic, CosineModeDecaysAtTheExactRate) {
  const BackendChoice which = GetParam();
  const double D = 50, lambda = 0.01, L = 160, A = 1, B = 2, t_end = 20;
  for (int modes : {1, 2}) {
    const Config cfg = config_from(fmt::format(
        R"(
grid: {{ spacing: 2 }}
geometry: {{ kind: box, size: [{L}, 4, 4] }}
species:
  - {{ name: u, diffusivity: {D}, decay: {lam}, initial: {{ kind: cosine, axis: x, modes: {m}, amplitude: {A}, offset: {B} }} }}
time: {{ end: {T}, dt: 0.005 }}
precision: double
)",
        fmt::arg("L", L), fmt::arg("D", D), fmt::arg("lam", lambda), fmt::arg("m", modes),
        fmt::arg("A", A), fmt::arg("B", B), fmt::arg("T", t_end)));
    Stepper<double> run(cfg, which);
    run.advance_to(t_end);
    const double k = M_PI * modes / L;
    const double err =
        relative_l2_error(run.fields(), run.geometry(), 0, [&](double x, double, double) {
          return A * std::exp(-(D * k * k + lambda) * t_end) * std::cos(k * x) +
                 B * std::exp(-lambda * t_end);
        });
    EXPECT_LT(err, 2e-4) << "modes " << modes;
  }
}

// Uniform field, decay and source: forward Euler gives exactly
//   u_n = s/λ + (u0 − s/λ)·(1 − λ·dt)^n, which tends to the exact s/λ + (u0 − s/λ)·e^{−λt}.
TEST_P(DiffusionAnalytic, PureDecayWithSourceMatchesTheExactSolution) {
  const BackendChoice which = GetParam();
  const double lambda = 0.05, s = 0.02, u0 = 3, dt = 0.01, t_end = 10;
  const Config cfg =
      config_from(fmt::format(R"(
grid: {{ spacing: 10 }}
geometry: {{ kind: box, size: [40, 40, 40] }}
species:
  - {{ name: u, diffusivity: 100, decay: {lam}, source: {s}, initial: {{ kind: uniform, value: {u0} }} }}
time: {{ end: {T}, dt: {dt} }}
precision: double
)",
                              fmt::arg("lam", lambda), fmt::arg("s", s), fmt::arg("u0", u0),
                              fmt::arg("T", t_end), fmt::arg("dt", dt)));
  Stepper<double> run(cfg, which);
  run.advance_to(t_end);
  const double ss = s / lambda;
  const double discrete = ss + (u0 - ss) * std::pow(1 - lambda * dt, double(run.steps()));
  const double exact = ss + (u0 - ss) * std::exp(-lambda * t_end);
  const auto& f = run.fields();
  const Box& b = f.box;
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const double u = f.species[0].u[b.idx(i, j, k)];
        EXPECT_NEAR(u, discrete, 1e-12);
        EXPECT_NEAR(u, exact, 1e-3);  // first order in dt: ≈ λ²·dt·t/2·|u0 − s/λ|
      }
}

// Steady state between Dirichlet faces a (x = 0) and b (x = L) with decay:
//   D·u'' = λ·u  ⇒  u(x) = [a·sinh((L − x)/ℓ) + b·sinh(x/ℓ)]/sinh(L/ℓ),  ℓ = √(D/λ).
double dirichlet_sinh_error(BackendChoice which, double h) {
  const double D = 100, lambda = 0.04, L = 100, a = 2, bval = 0.5;
  const Config cfg =
      config_from(fmt::format(R"(
grid: {{ spacing: {h} }}
geometry: {{ kind: box, size: [{L}, {h}, {h}] }}
species:
  - {{ name: u, diffusivity: {D}, decay: {lam} }}
boundaries: {{ default: no_flux, x_min: {{ dirichlet: {a} }}, x_max: {{ dirichlet: {b} }} }}
time: {{ end: 200 }}
precision: double
)",
                              fmt::arg("h", h), fmt::arg("L", L), fmt::arg("D", D),
                              fmt::arg("lam", lambda), fmt::arg("a", a), fmt::arg("b", bval)));
  Stepper<double> run(cfg, which);
  run.advance_to(200);  // ≫ 1/(λ + D·π²/L²) ≈ 7 s: steady to round-off
  const double ell = std::sqrt(D / lambda);
  return relative_l2_error(run.fields(), run.geometry(), 0, [&](double x, double, double) {
    return (a * std::sinh((L - x) / ell) + bval * std::sinh(x / ell)) / std::sinh(L / ell);
  });
}

TEST_P(DiffusionAnalytic, DirichletSteadyStateWithDecayIsTheSinhProfile) {
  const BackendChoice which = GetParam();
  const double e1 = dirichlet_sinh_error(which, 5), e2 = dirichlet_sinh_error(which, 2.5);
  EXPECT_LT(e2, 5e-4);
  EXPECT_NEAR(e1 / e2, 4.0, 0.5) << e1 << " " << e2;
}

LOBULE_EACH_BACKEND(DiffusionAnalytic);

}  // namespace
}  // namespace lobule

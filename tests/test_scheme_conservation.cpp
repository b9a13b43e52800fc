// Invariants of the diffusion schemes: mass conserved to round-off with no-flux (and periodic)
// faces and variable D, rkl2's clipping accounted for exactly; and the
// diffusivity driver D = D_free/(1 + C/C_half) followed in time to second order.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "host/sim/engine.hpp"
#include "support/each_backend.hpp"
#include "support/scheme_support.hpp"

namespace lobule {
namespace {

// Species 0 diffuses with D hindered by species 1 (a static, non-diffusing scar field).
HostFields<double> scarred_fields(Scheme scheme, unsigned seed) {
  auto f = test::box_fields<double>(14, 11, 9, 5.0, 2, 60.0, scheme);
  auto& u = f.species[0];
  auto& scar = f.species[1];
  scar.d_free = 0;
  std::fill(scar.D.begin(), scar.D.end(), 0.0);
  u.driver = {1};
  u.c_half = 0.5;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> U(0, 1);
  test::for_interior(f, [&](int, int, int, std::size_t c) {
    u.u[c] = 0.2 + U(rng);
    scar.u[c] = U(rng) < 0.3 ? 2 * U(rng) : 0.0;
  });
  return f;
}

double relative_drift(BackendChoice which, Scheme scheme, double dt, bool periodic_y) {
  auto f = scarred_fields(scheme, 3);
  f.implicit.solver.tolerance = 1e-13;
  if (periodic_y) f.species[0].bc.kind[2] = f.species[0].bc.kind[3] = BoundaryKind::Periodic;
  const double m0 = test::interior_sum(f, 0);
  auto b_engine = make_backend<double>(which);
  auto& b = *b_engine;
  b.upload(f);
  test::advance(b, 0, 10 * dt, dt);
  b.download(f);
  EXPECT_EQ(b.clipped_mass()[0], 0.0);
  return std::abs(test::interior_sum(f, 0) - m0) / m0;
}

class Conservation : public test::EachBackend {};

TEST_P(Conservation, Rkl2ConservesMassToRoundOff) {
  const BackendChoice which = GetParam();
  for (double dt : {0.5, 30.0}) {
    EXPECT_LT(relative_drift(which, Scheme::Rkl2, dt, false), 1e-13) << "dt = " << dt;
    EXPECT_LT(relative_drift(which, Scheme::Rkl2, dt, true), 1e-13)
        << "dt = " << dt << ", periodic";
  }
}

// The implicit step conserves mass to its solves' tolerance: with no-flux faces the operator's
// diffusion part sums to zero, so Σδ = Σb − Σr, and Σb = 0 without losses or sources.
TEST_P(Conservation, ImplicitConservesMassToTheSolverTolerance) {
  const BackendChoice which = GetParam();
  for (double dt : {0.5, 30.0, 3600.0}) {
    EXPECT_LT(relative_drift(which, Scheme::Implicit, dt, false), 1e-12) << "dt = " << dt;
    EXPECT_LT(relative_drift(which, Scheme::Implicit, dt, true), 1e-12)
        << "dt = " << dt << ", periodic";
  }
}

// rkl2 steps increments, not values: in float a uniform field stays exactly uniform over
// hundreds of long steps (the value form drifted by 6.5e-4 in 200).
TEST_P(Conservation, FloatUniformFieldDoesNotDrift) {
  const BackendChoice which = GetParam();
  for (Scheme scheme : {Scheme::Rkl2, Scheme::Implicit}) {
    auto f = test::box_fields<float>(20, 18, 16, 5.0, 1, 70.0, scheme);
    test::for_interior(f, [&](int, int, int, std::size_t c) { f.species[0].u[c] = 0.7f; });
    auto b_engine = make_backend<float>(which);
    auto& b = *b_engine;
    b.upload(f);
    for (int q = 0; q < 200; ++q) b.diffuse(q * 60.0, 60.0);
    b.download(f);
    test::for_interior(f, [&](int, int, int, std::size_t c) {
      ASSERT_EQ(f.species[0].u[c], 0.7f) << to_string(scheme);
    });
  }
}

// A single-voxel spike: no number of halvings resolves a one-voxel spike, so the last stage
// sets the undershoots to zero, and the mass it adds is exactly what clipped_mass reports.
TEST_P(Conservation, Rkl2ClippingIsAccountedFor) {
  const BackendChoice which = GetParam();
  auto f = test::box_fields<double>(17, 13, 11, 5.0, 1, 100.0, Scheme::Rkl2);
  f.species[0].u[f.box.idx(8, 6, 5)] = 1000.0;
  auto b_engine = make_backend<double>(which);
  auto& b = *b_engine;
  b.upload(f);
  b.diffuse(0, 20.0);
  b.download(f);
  double lo = 0;
  test::for_interior(f,
                     [&](int, int, int, std::size_t c) { lo = std::min(lo, f.species[0].u[c]); });
  EXPECT_GE(lo, 0.0);
  const double added = (test::interior_sum(f, 0) - 1000.0) * 125.0;  // conc·µm³
  EXPECT_GT(b.clipped_mass()[0], 0.0);
  EXPECT_NEAR(b.clipped_mass()[0], added, 1e-9 * 1000.0 * 125.0);
}

// A pulse three voxels wide stepped far beyond √(D·dt) = σ: rkl2 halves its steps where they
// would undershoot, which keeps it positive, conservative and closer to the solution; without
// halvings it clips a percent of the mass.
TEST_P(Conservation, Rkl2HalvesStepsInsteadOfClipping) {
  const BackendChoice which = GetParam();
  auto make = [](int halvings) {
    auto f = test::box_fields<double>(40, 40, 40, 5.0, 1, 60.0, Scheme::Rkl2);
    f.rkl2.max_halvings = halvings;
    test::for_interior(f, [&](int i, int j, int k, std::size_t c) {
      const double r2 = (i - 19.5) * (i - 19.5) + (j - 19.5) * (j - 19.5) + (k - 19.5) * (k - 19.5);
      f.species[0].u[c] = std::exp(-r2 / (2 * 3.0 * 3.0));
    });
    return f;
  };
  auto run = [which](HostFields<double> f, double dt) {
    auto b_engine = make_backend<double>(which);
    auto& b = *b_engine;
    b.upload(f);
    test::advance(b, 0, 20, dt);
    b.download(f);
    return std::make_pair(f, b.clipped_mass()[0] / 125.0);  // [conc·voxel]
  };
  const auto f0 = make(6);
  const double m0 = test::interior_sum(f0, 0);
  const auto [halved, clipped_halved] = run(f0, 10.0);
  const auto [clipped_run, clipped_plain] = run(make(0), 10.0);
  const auto [reference, unused] = run(f0, 0.25);  // D·dt/σ² = 0.07: no undershoot
  EXPECT_EQ(unused, 0.0);
  EXPECT_GT(clipped_plain, 1e-3 * m0);                        // plain rkl2 clips percents
  EXPECT_LT(clipped_halved, 1e-5 * m0);                       // halving leaves next to nothing
  EXPECT_NEAR(test::interior_sum(halved, 0), m0, 1e-5 * m0);  // and conserves mass
  std::vector<double> ref(reference.species[0].u.begin(), reference.species[0].u.end());
  const double rms = test::rms_difference(halved, 0, ref);
  EXPECT_LT(rms, 0.5 * test::rms_difference(clipped_run, 0, ref));  // measured: 3x smaller
}

class Driver : public test::EachBackend {};

// A uniform driver C(t) = C0·e^{−μt} (its own decay) and a cosine mode on an offset of 2 in the
// driven species:
// the mode decays as exp(−κ·∫D dt), κ the discrete eigenvalue, with
//   ∫₀ᵗ D_free/(1 + (C0/C_half)·e^{−μs}) ds = D_free·[t + ln((1 + q·e^{−μt})/(1 + q))/μ],
// q = C0/C_half. Strang places the diffusion step after R(dt/2), at the midpoint of C.
TEST_P(Driver, DiffusivityFollowsTheDriverInTime) {
  const BackendChoice which = GetParam();
  const int n = 24;
  const double h = 5, L = n * h, D_free = 40, C0 = 3, c_half = 1, mu = 0.02, T = 60;
  const double kappa = 4 / (h * h) * std::pow(std::sin(M_PI * h / (2 * L)), 2);
  const double q = C0 / c_half;
  const double integral = D_free * (T + std::log((1 + q * std::exp(-mu * T)) / (1 + q)) / mu);
  const double amplitude = std::exp(-kappa * integral);
  for (Scheme scheme : {Scheme::Rkl2, Scheme::Implicit, Scheme::Explicit}) {
    auto f = test::box_fields<double>(n, 3, 2, h, 2, D_free, scheme);
    f.implicit.solver.tolerance = 1e-12;
    auto& u = f.species[0];
    auto& C = f.species[1];
    u.driver = {1};
    u.c_half = c_half;
    C.d_free = 0;
    std::fill(C.D.begin(), C.D.end(), 0.0);
    C.decay = mu;
    test::for_interior(f, [&](int i, int, int, std::size_t c) {
      u.u[c] = 2 + std::cos(M_PI * (i + 0.5) * h / L);
      C.u[c] = C0;
    });
    auto b_engine = make_backend<double>(which);
    auto& b = *b_engine;
    b.upload(f);
    test::advance(b, 0, T, scheme == Scheme::Explicit ? 0.05 : 2.0);
    b.download(f);
    const double got = (u.u[f.box.idx(0, 1, 1)] - 2) / std::cos(M_PI * 0.5 * h / L);
    const double tol = scheme == Scheme::Explicit ? 3e-3 : 1e-4;
    EXPECT_NEAR(got / amplitude, 1.0, tol)
        << to_string(scheme) << ": amplitude " << got << ", exact " << amplitude;
  }
}

// D set from a driver equals the same D set by hand (harmonic faces, halo copies).
TEST_P(Driver, MatchesTheSameFieldSetDirectly) {
  const BackendChoice which = GetParam();
  for (Scheme scheme : {Scheme::Rkl2, Scheme::Implicit, Scheme::Explicit}) {
    auto driven = scarred_fields(scheme, 11);
    auto direct = driven;
    auto& sp = direct.species[0];
    sp.driver.clear();
    test::for_interior(direct, [&](int, int, int, std::size_t c) {
      sp.D[c] = sp.d_free / (1 + direct.species[1].u[c] / sp.c_half);
    });
    const double dt = scheme == Scheme::Explicit ? 0.05 : 5.0;
    auto a_engine = make_backend<double>(which), b_engine = make_backend<double>(which);
    auto& a = *a_engine;
    auto& b = *b_engine;
    a.upload(driven);
    b.upload(direct);
    test::advance(a, 0, 4 * dt, dt);
    test::advance(b, 0, 4 * dt, dt);
    a.download(driven);
    b.download(direct);
    test::for_interior(driven, [&](int, int, int, std::size_t c) {
      ASSERT_NEAR(driven.species[0].u[c], direct.species[0].u[c], 1e-13) << to_string(scheme);
    });
  }
}

LOBULE_EACH_BACKEND(Conservation);
LOBULE_EACH_BACKEND(Driver);

}  // namespace
}  // namespace lobule

// The per-voxel reaction step (exponential midpoint with sub-steps): exact for linear decay,
// second order for coupled nonlinear rates, positive for any dt, equilibria kept, held fields
// untouched; and positivity of whole Strang steps under a stiff reaction (rate·dt = 100).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "host/sim/engine.hpp"
#include "kernels/linear_decay.hpp"
#include "support/each_backend.hpp"
#include "support/scheme_support.hpp"

namespace lobule {
namespace {

const VoxelRef kVoxel{0, 0, 0, 0, 0, 0.0f};

// A' = −k·A·B, B' = k·A·B − μ·B: loss rates proportional to the removed field (L_A = k·B,
// L_B = μ), production P_B = k·A·B.
struct Infection {
  static constexpr int kMaxFields = 2;
  double k, mu;
  void rates(double, const VoxelRef&, int, const double* u, double* P, double* L) const {
    P[0] = 0;
    L[0] = k * u[1];
    P[1] = k * u[0] * u[1];
    L[1] = mu;
  }
};

template <class R>
std::vector<double> integrate(const R& r, std::vector<double> u, double T, int steps,
                              ReactionControl<double> ctl) {
  for (int q = 0; q < steps; ++q)
    react_voxel(r, kVoxel, int(u.size()), 0u, q * (T / steps), T / steps, ctl, u.data());
  return u;
}

ReactionControl<double> no_substeps() {
  ReactionControl<double> c;
  c.max_rate_dt = 1e30;
  return c;
}

TEST(ReactionStep, LinearDecayIsExactInOneStep) {
  const LinearDecay<double> r{0.3, 0.6};  // u* = s/λ = 2
  for (double T : {0.1, 10.0, 1000.0}) {
    const double u = integrate(r, {5.0}, T, 1, no_substeps())[0];
    EXPECT_NEAR(u, 2 + 3 * std::exp(-0.3 * T), 1e-14) << "dt = " << T;
  }
}

TEST(ReactionStep, CoupledNonlinearSystemIsSecondOrder) {
  const Infection r{0.5, 0.2};
  const std::vector<double> u0 = {1.0, 0.01};
  // Reference: classical RK4 with a tiny step.
  std::vector<double> ref = u0;
  auto f = [&](const std::vector<double>& u) {
    return std::vector<double>{-r.k * u[0] * u[1], r.k * u[0] * u[1] - r.mu * u[1]};
  };
  const double T = 20, h = 1e-3;
  for (int q = 0; q < int(T / h); ++q) {
    auto k1 = f(ref);
    auto k2 = f({ref[0] + h / 2 * k1[0], ref[1] + h / 2 * k1[1]});
    auto k3 = f({ref[0] + h / 2 * k2[0], ref[1] + h / 2 * k2[1]});
    auto k4 = f({ref[0] + h * k3[0], ref[1] + h * k3[1]});
    for (int i = 0; i < 2; ++i) ref[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
  std::vector<double> e;
  for (int n : {40, 80, 160, 320}) {
    const auto u = integrate(r, u0, T, n, no_substeps());
    e.push_back(std::hypot(u[0] - ref[0], u[1] - ref[1]));
  }
  for (double p : test::observed_orders(e)) EXPECT_NEAR(p, 2.0, 0.1);
  EXPECT_LT(e.back(), 1e-4);
}

TEST(ReactionStep, StiffDecayStaysPositiveAndReachesEquilibrium) {
  const LinearDecay<double> r{100.0, 50.0};  // λ·dt = 100 for dt = 1; u* = 0.5
  for (auto ctl : {ReactionControl<double>{}, no_substeps()}) {
    for (double u0 : {0.0, 1e-12, 0.5, 7.0, 1e6}) {
      double u = u0;
      react_voxel(r, kVoxel, 1, 0u, 0.0, 1.0, ctl, &u);
      EXPECT_GE(u, 0) << "u0 = " << u0;
      EXPECT_NEAR(u, 0.5, 1e-12) << "u0 = " << u0;  // e^{-100}·(u0 − u*) is below round-off
    }
  }
}

TEST(ReactionStep, StiffCoupledLossNeverGoesNegative) {
  const Infection r{100.0, 0.0};  // k·B·dt = 100 with B = 1, dt = 1
  for (auto ctl : {ReactionControl<double>{}, no_substeps()}) {
    std::vector<double> u = {1.0, 1.0};
    react_voxel(r, kVoxel, 2, 0u, 0.0, 1.0, ctl, u.data());
    EXPECT_GE(u[0], 0);
    EXPECT_GE(u[1], 1.0);
    EXPECT_LT(u[0], 1e-2);  // A is used up
  }
}

TEST(ReactionStep, EquilibriumIsAFixedPoint) {
  const LinearDecay<double> r{0.25, 0.75};
  double u = 3.0;  // s/λ
  for (int q = 0; q < 100; ++q)
    react_voxel(r, kVoxel, 1, 0u, 0.0, 7.0, ReactionControl<double>{}, &u);
  EXPECT_NEAR(u, 3.0, 1e-13);
}

TEST(ReactionStep, HeldFieldsKeepTheirValues) {
  const Infection r{0.5, 0.2};
  std::vector<double> u = {1.0, 0.3};
  react_voxel(r, kVoxel, 2, 0b10u, 0.0, 5.0, ReactionControl<double>{}, u.data());
  EXPECT_EQ(u[1], 0.3);
  EXPECT_LT(u[0], 1.0);  // A still reacts with the held B
}

TEST(ReactionStep, SubstepsFollowTheStiffestLoss) {
  const ReactionControl<double> c;  // max_rate_dt 1, at most 16
  EXPECT_EQ(reaction_substeps(0.0, c), 1);
  EXPECT_EQ(reaction_substeps(1.0, c), 1);
  EXPECT_EQ(reaction_substeps(1.01, c), 2);
  EXPECT_EQ(reaction_substeps(3.5, c), 4);
  EXPECT_EQ(reaction_substeps(100.0, c), 16);
  EXPECT_EQ(reaction_substeps(std::nan(""), c), 1);
}

class StiffReaction : public test::EachBackend {};

// Whole balanced Strang steps on a grid with rate·dt = 100 and rough data stay non-negative after
// every step and settle at the equilibrium s/λ, in float. The step carries the loss inside RKL2,
// whose stability polynomial damps a stiff mode by 0.3–0.6 per step (not e^{−100}): the
// equilibrium is exact, and it is reached in tens of steps rather than one.
TEST_P(StiffReaction, StrangStepsStayNonNegative) {
  const BackendChoice which = GetParam();
  auto f = test::box_fields<float>(16, 12, 10, 5.0, 1, 60.0, Scheme::Rkl2);
  f.species[0].decay = 100.0f;  // 1/s, dt = 1 s
  f.species[0].source = 20.0f;  // u* = 0.2
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> U(0, 1);
  test::for_interior(f, [&](int, int, int, std::size_t c) {
    f.species[0].u[c] = U(rng) < 0.1f ? 50 * U(rng) : 0.0f;
  });
  auto b_engine = make_backend<float>(which);
  auto& b = *b_engine;
  b.upload(f);
  double lo = 1e30, hi = -1e30;
  for (int q = 0; q < 40; ++q) {
    b.step(q, 1.0);
    b.download(f);
    lo = 1e30, hi = -1e30;
    test::for_interior(f, [&](int, int, int, std::size_t c) {
      lo = std::min(lo, double(f.species[0].u[c]));
      hi = std::max(hi, double(f.species[0].u[c]));
    });
    ASSERT_GE(lo, 0) << "step " << q;
  }
  EXPECT_NEAR(lo, 0.2, 1e-3);
  EXPECT_NEAR(hi, 0.2, 1e-3);
}

LOBULE_EACH_BACKEND(StiffReaction);

}  // namespace
}  // namespace lobule

// The engine's steady-state service (host/sim/steady_state.hpp) for the liver model's healthy
// start, on every backend: the same state as the earlier pseudo-time loop inside the model (kept
// in tests/support/liver_reference_start.hpp), a state the run then keeps (target 1 in brief),
// a cirrhotic start laid on top of it, and an interruption that says where it stopped.
#include <gtest/gtest.h>

#include <cmath>
#include <csignal>

#include "host/errors.hpp"
#include "host/sim/run_signals.hpp"
#include "host/sim/stepper.hpp"
#include "support/each_backend.hpp"
#include "support/liver_reference_start.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

class SteadyStart : public test::EachBackend {};

// Largest difference of a field between two states over the tissue, relative to the larger of
// the field's largest value and the level where it acts (the service's own measure: HGF, for
// one, stays near 1e-4 ng/mL in the healthy lobule, far below its half-saturation of 0.3).
double largest_difference(const Config& c, const HostFields<double>& a, const HostFields<double>& b,
                          std::string& which) {
  const std::vector<double> scale = c.model_impl->steady_start().scale;
  double worst = 0;
  for (std::size_t q = 0; q < a.species.size(); ++q) {
    double d = 0, m = q < scale.size() ? scale[q] : 0.0;
    for (std::size_t v = 0; v < a.label.size(); ++v) {
      if (!is_tissue(a.label[v])) continue;
      d = std::max(d, std::abs(a.species[q].u[v] - b.species[q].u[v]));
      m = std::max(m, std::abs(b.species[q].u[v]));
    }
    if (m > 1e-12 && d / m > worst) worst = d / m, which = a.species[q].name;
  }
  return worst;
}

TEST_P(SteadyStart, HealthyStateMatchesTheEarlierPseudoTimeLoop) {
  const Config c = load_config(test::source_path("inputs/healthy.yaml"), {"precision=double"});
  const Geometry g = make_geometry(c);
  const HostFields<double> ref = test::reference_healthy_state(c, g);
  Stepper<double> run(c, GetParam());
  std::string which;
  const double d = largest_difference(c, run.fields(), ref, which);
  std::printf(
      "[ measured ] healthy start on %s: largest difference from the earlier loop %.2e "
      "(%s)\n",
      backend(), d, which.c_str());
  // Both stop when no field moves by more than 1e-6 in 2 h (the reference: in a step, its
  // collagen paced 24000 times; the service: in 2 h of tissue time, its local fields paced 100
  // times). The cross-linked collagen, whose turnover takes years, then still sits a few 1e-4
  // from the exact state (a solve to 1e-9: 3.5e-4 in its tissue means), which a 264-day run
  // would close by a sixth. Measured 2.7e-4 on the CPU (collagen_x).
  EXPECT_LT(d, 5e-4) << which;
}

// The settled start is a steady state of the run itself: a day of the shipped scheme moves no
// field by more than 1e-4 (measured 2.9e-7: the service stops below 1e-6 per 2 h of tissue time,
// with a slow remainder; target 1 asks 1 % over 28 days, which tools/targets.py checks).
TEST_P(SteadyStart, HealthyRunStaysOnItsStart) {
  const Config c =
      load_config(test::source_path("inputs/healthy.yaml"), {"precision=double", "time.end=1 d"});
  Stepper<double> run(c, GetParam());
  const HostFields<double> start = run.fields();
  run.advance_to(86400);
  std::string which;
  const double d = largest_difference(c, run.fields(), start, which);
  std::printf("[ measured ] healthy start on %s: a day moves it by %.2e (%s)\n", backend(), d,
              which.c_str());
  EXPECT_LT(d, 1e-4) << which;
}

// A cirrhotic start is the healthy state with the septa laid on top: mature scar in the septa,
// the healthy state elsewhere.
TEST_P(SteadyStart, CirrhoticStartLiesOnTheHealthyState) {
  const Config healthy =
      load_config(test::source_path("inputs/demo.yaml"),
                  {"precision=double", "model.initial=healthy", "model.therapy=[]"});
  const Config cirrhotic =
      load_config(test::source_path("inputs/demo.yaml"), {"precision=double", "model.therapy=[]"});
  Stepper<double> h(healthy, GetParam()), s(cirrhotic, GetParam());
  const HostFields<double>& a = h.fields();
  const HostFields<double>& b = s.fields();
  const Geometry& g = s.geometry();
  int septa = 0, elsewhere = 0;
  for (int k = 0; k < g.box.nz; ++k)
    for (int j = 0; j < g.box.ny; ++j)
      for (int i = 0; i < g.box.nx; ++i) {
        const std::size_t p = a.box.idx(i, j, k);
        if (a.label[p] == kSeptum) {
          EXPECT_DOUBLE_EQ(b.species[kCollagen].u[p] + b.species[kCollagenX].u[p], 1.0);
          ++septa;
        } else if (a.label[p] == kParenchyma) {
          EXPECT_EQ(b.species[kTgfb].u[p], a.species[kTgfb].u[p]);
          ++elsewhere;
        }
      }
  EXPECT_GT(septa, 0);
  EXPECT_GT(elsewhere, 0);
}

// SIGTERM while the start settles: Interrupted, naming what was being solved and how far it got.
TEST_P(SteadyStart, InterruptionSaysWhereItStopped) {
  const Config c = load_config(test::source_path("inputs/healthy.yaml"), {"precision=double"});
  const SignalGuard guard;
  std::raise(SIGTERM);
  try {
    Stepper<double> run(c, GetParam());
    FAIL() << "expected Interrupted";
  } catch (const Interrupted& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("healthy state"), std::string::npos) << m;
    EXPECT_NE(m.find("pseudo-time steps"), std::string::npos) << m;
  }
}

LOBULE_EACH_BACKEND(SteadyStart);

}  // namespace
}  // namespace lobule

// Long steps keep steady states: the fixed point of a long step is the steady state of the full
// discretized equation (diffusion, losses, vessels, faces), so a run with dt of minutes ends
// where the explicit reference ends. Two vessel-fed, loss-limited problems (the shape of the
// liver model's zonation), half-lives of 1 min and 20 min, dt = 60 s and 300 s:
//   a central vein (a labelled cylinder held at 1) in a decaying medium;
//   the 1-D slab between Dirichlet faces (1 and 0) with decay, whose steady state is
//   sinh((L − x)/ℓ)/sinh(L/ℓ), ℓ = √(D/λ).
// Each long run ends on the explicit reference to round-off (max over voxels, relative to the
// peak; bounds about ten times the distance measured, 1e-12 where that is below 1e-13): the
// fixed point of the long step is the discrete steady state, exactly. Runs at dt = 5 min take
// 8 h (96 steps): RKL2 damps the start's stiffest modes slowly (after 1 h, 12 steps, 1.9e-3
// of the transient is left; after 2 h 8e-6, 4 h 1.5e-10, 8 h 1.8e-14). Before balanced
// splitting, Strang + rkl2 missed by 4.5–80% and lod by 15–84%.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>

#include "support/each_backend.hpp"
#include "support/scheme_support.hpp"

namespace lobule {
namespace {

constexpr double kD = 60;  // µm²/s, a cytokine
constexpr double kH = 5;   // µm

enum class Problem { Vein, Slab };

// The problem's fields with the given half-life [s], u = 0 to start (vessels at their values).
HostFields<double> problem_fields(Problem p, double half_life, Scheme scheme) {
  const bool vein = p == Problem::Vein;
  auto f = vein ? test::box_fields<double>(40, 40, 2, kH, 1, kD, scheme)
                : test::box_fields<double>(40, 1, 1, kH, 1, kD, scheme);
  auto& sp = f.species[0];
  sp.decay = std::log(2.0) / half_life;
  if (vein) {
    sp.vessels.mask = 1u << kCentralVein;
    sp.vessels.value[kCentralVein] = 1.0;
    test::for_interior(f, [&](int i, int j, int, std::size_t c) {
      const double r = std::hypot((i + 0.5) * kH - 100, (j + 0.5) * kH - 100);
      if (r <= 17.5) f.label[c] = kCentralVein, sp.u[c] = 1.0;
    });
  } else {
    sp.bc.kind[0] = sp.bc.kind[1] = BoundaryKind::Dirichlet;
    sp.bc.value[0] = 1.0;
    sp.bc.value[1] = 0.0;
  }
  return f;
}

// Run length [s]: long enough for the slow case to settle (five decay times, ≥ 1 h).
double run_time(double half_life) {
  return std::max(3600.0, 5 * half_life / std::log(2.0));
}

std::vector<double> run(const test::EachBackend& fixture, Backend<double>& b, HostFields<double> f,
                        double T, double dt) {
  (void)fixture;
  b.upload(f);
  test::advance(b, 0, T, dt);
  b.download(f);
  return {f.species[0].u.begin(), f.species[0].u.end()};
}

// Explicit Euler at 0.9× its stability limit, on the CPU (the reference), computed once.
const std::vector<double>& reference(Problem p, double half_life) {
  static std::map<std::pair<int, double>, std::vector<double>> cache;
  auto& ref = cache[{int(p), half_life}];
  if (ref.empty()) {
    auto f = problem_fields(p, half_life, Scheme::Explicit);
    const double dims = p == Problem::Vein ? 3 : 1;
    const double limit = 2 / (4 * kD * dims / (kH * kH) + f.species[0].decay);
    auto b = make_backend<double>(BackendChoice::Cpu);
    b->upload(f);
    test::advance(*b, 0, run_time(half_life), 0.9 * limit);
    b->download(f);
    ref.assign(f.species[0].u.begin(), f.species[0].u.end());
  }
  return ref;
}

template <class A, class B>
double max_difference(const HostFields<double>& f, const A& a, const B& b) {
  double e = 0;
  test::for_interior(f,
                     [&](int, int, int, std::size_t c) { e = std::max(e, std::abs(a[c] - b[c])); });
  return e;  // relative to the peak, which is 1 (the vessel and the x_min face)
}

class SteadyState : public test::EachBackend {
 protected:
  // The largest difference from the explicit reference after max(run_time, steps·dt) (the
  // reference has settled by run_time; later it stays where it is).
  double difference_from_explicit(Problem p, double half_life, double dt, Scheme scheme,
                                  int steps = 1) {
    auto f = problem_fields(p, half_life, scheme);
    f.implicit.solver.tolerance = 1e-10;
    auto b = engine<double>();
    const auto u = run(*this, *b, f, std::max(run_time(half_life), steps * dt), dt);
    const double e = max_difference(f, u, reference(p, half_life));
    std::printf(
        "[ measured ] %s, half-life %g min, dt = %g s, %s on %s: max |u - explicit| = %.2e\n",
        p == Problem::Vein ? "vein" : "slab", half_life / 60, dt, to_string(scheme), backend(), e);
    return e;
  }
  // rkl2 against explicit within `bound` after max(run_time, steps·dt).
  void expect_matches_explicit(Problem p, double half_life, double dt, int steps, double bound) {
    const double e = difference_from_explicit(p, half_life, dt, Scheme::Rkl2, steps);
    std::printf("[ bound    ] %.1e\n", bound);
    EXPECT_LT(e, bound) << "half-life " << half_life << " s, dt = " << dt << " s";
  }
};

// The implicit scheme at dt = 1 min, 5 min and 1 h: its fixed point is the steady state, and it
// damps the approach to it (L-stable), so one-hour steps end on the profile too. From u = 0 the
// first hour is one step whose transient is damped only to about a tenth (2.5 % off after it),
// so every run takes at least four steps.
TEST_P(SteadyState, ImplicitStepsKeepTheProfilesAtAnyDt) {
  for (Problem p : {Problem::Vein, Problem::Slab})
    for (double half_life : {60.0, 1200.0})
      for (double dt : {60.0, 300.0, 3600.0})
        // Measured ≤ 2.2e-9 at 1 and 5 min (the solves' tolerance, 1e-10), ≤ 3.6e-4 at 1 h.
        EXPECT_LT(difference_from_explicit(p, half_life, dt, Scheme::Implicit, 4),
                  dt < 3600 ? 2e-8 : 4e-3)
            << (p == Problem::Vein ? "vein" : "slab") << ", half-life " << half_life
            << " s, dt = " << dt << " s";
}

// Measured (CPU): 1.0e-12, 1.8e-14 (half-life 1 min, dt = 1 and 5 min); 9.1e-14, 9.2e-14 (20 min).
TEST_P(SteadyState, VeinInADecayingMediumKeepsItsProfile) {
  expect_matches_explicit(Problem::Vein, 60, 60, 1, 1e-11);
  expect_matches_explicit(Problem::Vein, 60, 300, 96, 1e-12);
  expect_matches_explicit(Problem::Vein, 1200, 60, 1, 1e-12);
  expect_matches_explicit(Problem::Vein, 1200, 300, 96, 1e-12);
}

// Measured (CPU): 1.7e-14, 3.3e-15 (half-life 1 min, dt = 1 and 5 min); 1.1e-14, 1.1e-14 (20 min).
TEST_P(SteadyState, DirichletSlabWithDecayKeepsItsProfile) {
  expect_matches_explicit(Problem::Slab, 60, 60, 1, 1e-12);
  expect_matches_explicit(Problem::Slab, 60, 300, 96, 1e-12);
  expect_matches_explicit(Problem::Slab, 1200, 60, 1, 1e-12);
  expect_matches_explicit(Problem::Slab, 1200, 300, 96, 1e-12);
}

// The explicit reference itself (computed on the CPU for every backend, so a test of its own)
// sits on the exact steady state of the slab, to the spatial error of 5 µm voxels.
TEST(SteadyStateReference, SlabIsTheSinhProfile) {
  for (double half_life : {60.0, 1200.0}) {
    const auto f = problem_fields(Problem::Slab, half_life, Scheme::Explicit);
    const double ell = std::sqrt(kD * half_life / std::log(2.0)), L = 40 * kH;
    const auto& ref = reference(Problem::Slab, half_life);
    double e = 0;
    test::for_interior(f, [&](int i, int, int, std::size_t c) {
      const double x = (i + 0.5) * kH;
      e = std::max(e, std::abs(ref[c] - std::sinh((L - x) / ell) / std::sinh(L / ell)));
    });
    std::printf(
        "[ measured ] slab, half-life %g min: explicit reference against the sinh "
        "profile: max %.2e\n",
        half_life / 60, e);
    // Measured 5.7e-4 and 3.0e-5: the spatial error, larger where ℓ is shorter.
    EXPECT_LT(e, half_life < 600 ? 2e-3 : 3e-4) << "half-life " << half_life;
  }
}

// A steady state is a fixed point: started on the discrete steady state (the explicit run), one
// step of an hour changes nothing but round-off.
TEST_P(SteadyState, OneHourStepLeavesTheSteadyStateInPlace) {
  const double half_life = 1200;
  auto f = problem_fields(Problem::Vein, half_life, Scheme::Rkl2);
  // The explicit run has settled to 1e-6 relative within five decay times at this size.
  const auto& settled = reference(Problem::Vein, half_life);
  f.species[0].u.assign(settled.begin(), settled.end());
  auto b = engine<double>();
  const auto u = run(*this, *b, f, 3600, 3600);
  EXPECT_LT(max_difference(f, u, f.species[0].u), 1e-5);
}

LOBULE_EACH_BACKEND(SteadyState);

}  // namespace
}  // namespace lobule

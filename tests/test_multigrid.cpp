// The multigrid solver of the implicit step (kernels/multigrid.hpp, host/sim/multigrid.hpp) on a
// manufactured problem with everything the liver lobule has: masked (outside) voxels, held
// (vessel) voxels, a diffusivity that jumps by 20× across a scar layer and varies elsewhere, a
// loss rate per voxel, a periodic axis, a Dirichlet face and odd extents. b = A x* with A written
// here independently (harmonic face diffusivities, the Dirichlet face h/2 away); the solver must
// return x* to its tolerance and reduce the residual by a bounded factor in every iteration.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "geometry/labels.hpp"
#include "host/errors.hpp"
#include "host/sim/multigrid_solve.hpp"
#include "support/each_backend.hpp"

namespace lobule {
namespace {

class Multigrid : public test::EachBackend {};

constexpr double kH = 5.0;  // µm

template <class T>
MgHostProblem<T> manufactured(int nx, int ny, int nz, double a) {
  MgHostProblem<T> p;
  p.box = whole_box(nx, ny, nz);
  const Box& b = p.box;
  p.label.assign(b.padded(), kOutside);
  p.D.assign(b.padded(), T(0));
  p.loss.assign(b.padded(), T(0));
  p.ih2 = {T(1 / (kH * kH)), T(1 / (kH * kH)), T(1 / (kH * kH))};
  p.a = T(a);
  p.held.mask = (1u << kCentralVein) | (1u << kPortalVein);
  p.kind[0] = BoundaryKind::Dirichlet;             // x_min: a Dirichlet face
  p.kind[4] = p.kind[5] = BoundaryKind::Periodic;  // z periodic
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> U(0, 1);
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) {
        const std::size_t c = b.idx(i, j, k);
        const double x = (i + 0.5) / nx, y = (j + 0.5) / ny;
        std::uint8_t l = kParenchyma;
        if (std::hypot(x - 0.5, y - 0.5) > 0.55) l = kOutside;      // a round tissue
        if (std::hypot(x - 0.3, y - 0.6) < 0.09) l = kCentralVein;  // a vein
        if (i == nx / 2 + 3 && j == ny / 3) l = kPortalVein;        // a one-voxel vessel
        p.label[c] = l;
        if (l == kOutside) continue;
        const bool scar = std::abs(x - 0.62) < 0.08;  // a scar layer
        p.D[c] = T(scar ? 3.0 : 60.0 * (0.7 + 0.6 * U(rng)));
        p.loss[c] = T(3.85e-4 * (1 + 4 * U(rng)));
      }
  return p;
}

template <class T>
bool free_voxel(const MgHostProblem<T>& p, std::size_t c) {
  return p.label[c] != kOutside && !p.held.holds(p.label[c]);
}

// A x at every unknown, from the definition: (1 + a·ℓ)·x_c − a·Σ D_f/h²·(x_nb − x_c), x = 0 at
// held voxels, no face to outside voxels or across a no-flux face, a Dirichlet face (value 0) h/2
// away (D_f = D_c, ghost value −x_c), periodic faces wrapped.
template <class T>
std::vector<double> apply_operator(const MgHostProblem<T>& p, const std::vector<double>& x) {
  const Box& b = p.box;
  std::vector<double> y(b.padded(), 0.0);
  const double ih2 = 1 / (kH * kH);
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = b.idx(i, j, k);
        if (!free_voxel(p, c)) continue;
        double flux = 0;
        for (int a = 0; a < 3; ++a)
          for (int s : {-1, 1}) {
            int q[3] = {i, j, k};
            q[a] += s;
            const int f = 2 * a + (s > 0 ? 1 : 0);
            if (q[a] < 0 || q[a] >= b.extent(a)) {
              if (p.kind[f] == BoundaryKind::Dirichlet) flux += double(p.D[c]) * (-2 * x[c]);
              if (p.kind[f] != BoundaryKind::Periodic) continue;
              q[a] = q[a] < 0 ? b.extent(a) - 1 : 0;
            }
            const std::size_t n = b.idx(q[0], q[1], q[2]);
            if (p.label[n] == kOutside) continue;
            const double dc = p.D[c], dn = p.D[n];
            const double df = 2 * dc * dn / (dc + dn);
            flux += df * ((free_voxel(p, n) ? x[n] : 0.0) - x[c]);
          }
        y[c] = (1 + double(p.a) * double(p.loss[c])) * x[c] - double(p.a) * ih2 * flux;
      }
  return y;
}

template <class T>
void solves_to_the_manufactured_solution(BackendChoice which, double tolerance, double accuracy) {
  // dt·D/h² ≈ 5000: the liver's 1-hour step, diffusion-dominated at the grid scale.
  const MgHostProblem<T> p = manufactured<T>(37, 30, 9, 0.29 * 3600);
  const Box& b = p.box;
  std::vector<double> xs(b.padded(), 0.0);
  double xmax = 0;
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = b.idx(i, j, k);
        if (!free_voxel(p, c)) continue;
        xs[c] = 1 + std::sin(0.3 * i) * std::cos(0.2 * j) + 0.1 * std::cos(2 * M_PI * k / b.nz);
        xmax = std::max(xmax, std::abs(xs[c]));
      }
  const std::vector<double> bd = apply_operator(p, xs);
  std::vector<T> rhs(bd.begin(), bd.end()), x;
  MultigridSettings s;
  s.tolerance = tolerance;
  std::vector<double> history;
  const SolveStats st = multigrid_solve(which, p, rhs, x, s, &history);
  double err = 0;
  for (std::size_t c = 0; c < xs.size(); ++c)
    if (free_voxel(p, c))
      err = std::max(err, std::abs(double(x[c]) - xs[c]));
    else
      EXPECT_EQ(x[c], T(0)) << "voxel " << c << " is not an unknown";
  std::printf(
      "  %zu iterations, mean factor %.3f, worst step %.3f, max error %.2e (of %.2f)\n",
      history.size(), st.factor,
      [&] {
        double worst = history.empty() ? 0 : history[0];
        for (std::size_t q = 1; q < history.size(); ++q)
          worst = std::max(worst, history[q] / history[q - 1]);
        return worst;
      }(),
      err, xmax);
  EXPECT_LE(st.residual, tolerance);
  EXPECT_LE(err, accuracy * xmax);
  // Every iteration reduces the residual by a factor: measured 0.05–0.08 per iteration here
  // (CPU); a factor above 0.25 means the coarse levels have gone wrong.
  ASSERT_FALSE(history.empty());
  EXPECT_LE(history[0], 0.25);
  for (std::size_t q = 1; q < history.size(); ++q) EXPECT_LE(history[q] / history[q - 1], 0.25);
}

TEST_P(Multigrid, SolvesTheManufacturedProblemInDouble) {
  solves_to_the_manufactured_solution<double>(GetParam(), 1e-11, 1e-9);
}

TEST_P(Multigrid, SolvesTheManufacturedProblemInFloat) {
  solves_to_the_manufactured_solution<float>(GetParam(), 1e-5, 2e-5);
}

// Without diffusion (a = 0) the operator is the identity on the unknowns: x = b in one iteration.
TEST_P(Multigrid, TheIdentityIsSolvedInOneIteration) {
  MgHostProblem<double> p = manufactured<double>(12, 10, 4, 0.0);
  std::vector<double> b(p.box.padded(), 0.0), x;
  for (std::size_t c = 0; c < b.size(); ++c)
    if (free_voxel(p, c)) b[c] = 0.5 + 0.001 * double(c % 97);
  const SolveStats st = multigrid_solve(GetParam(), p, b, x, MultigridSettings{}, nullptr);
  EXPECT_EQ(st.iterations, 1);
  for (std::size_t c = 0; c < b.size(); ++c) EXPECT_NEAR(x[c], b[c], 1e-14);
}

// A solve that cannot reach its tolerance in the iterations allowed stops with a numerical error
// that says so (exit code 4 in a run).
TEST_P(Multigrid, NotConvergingIsANumericalError) {
  const MgHostProblem<double> p = manufactured<double>(16, 14, 4, 3600);
  std::vector<double> b(p.box.padded(), 0.0), x;
  for (std::size_t c = 0; c < b.size(); ++c)
    if (free_voxel(p, c)) b[c] = 1;
  MultigridSettings s;
  s.tolerance = 1e-14;
  s.max_iterations = 2;
  try {
    multigrid_solve(GetParam(), p, b, x, s, nullptr);
    FAIL() << "expected a NumericalError";
  } catch (const NumericalError& e) {
    EXPECT_NE(std::string(e.what()).find("did not converge"), std::string::npos) << e.what();
  }
}

LOBULE_EACH_BACKEND(Multigrid);

}  // namespace
}  // namespace lobule

// Invariants of the explicit solver: mass conservation, the harmonic-mean face diffusivity
// (two-layer steady flux), periodic faces, and the CUDA backend against the CPU oracle.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "host/sim/backend.hpp"
#include "host/sim/build_fields.hpp"
#include "host/sim/stepper.hpp"
#include "support/analytic.hpp"
#include "support/each_backend.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

using test::config_from;
using test::interior_sum;

std::string pulse_config(const std::string& faces) {
  return fmt::format(R"(
grid: {{ spacing: 4 }}
geometry: {{ kind: box, size: [96, 64, 48] }}
species:
  - {{ name: u, diffusivity: 80, initial: {{ kind: gaussian, center: [20, 50, 10], sigma: 8, peak: 5, background: 0.1 }} }}
  - {{ name: v, diffusivity: 5, initial: {{ kind: cosine, axis: y, modes: 3, amplitude: 1, offset: 1 }} }}
boundaries: {{ default: {} }}
time: {{ end: 20, dt: 0.02 }}
precision: double
)",
                     faces);
}

class DiffusionInvariants : public test::EachBackend {};

// With no-flux (or periodic) faces, λ = 0 and s = 0, Σu·V is conserved by the flux form.
TEST_P(DiffusionInvariants, MassIsConservedToRoundOff) {
  const BackendChoice which = GetParam();
  for (const char* faces : {"no_flux", "periodic"}) {
    const Config cfg = config_from(pulse_config(faces));
    Stepper<double> run(cfg, which);
    const double m0u = interior_sum(run.fields(), 0), m0v = interior_sum(run.fields(), 1);
    run.advance_to(20);  // 1000 steps; the pulse reaches the faces
    EXPECT_NEAR(interior_sum(run.fields(), 0) / m0u, 1.0, 1e-12) << faces;
    EXPECT_NEAR(interior_sum(run.fields(), 1) / m0v, 1.0, 1e-12) << faces;
  }
}

// Periodic faces along x: an off-centre pulse spreads across x_max into x_min. The solution
// is uniform in y and z (two voxels placed symmetrically about the centre), so it is the 1D
// periodic heat kernel, a sum of images:
//   u(x, t) = A·Σ_n (σ0/σt)·exp(−(x − x0 − n·L)²/(2σt²)),   σt² = σ0² + 2·D·t.
// No-flux faces would mirror the images instead, which this comparison rules out.
TEST_P(DiffusionInvariants, PeriodicFacesWrapAround) {
  const BackendChoice which = GetParam();
  const double D = 80, s0 = 4, x0 = 20, L = 64, t_end = 8;
  const Config cfg = config_from(fmt::format(R"(
grid: {{ spacing: 2 }}
geometry: {{ kind: box, size: [{L}, 4, 4] }}
species:
  - {{ name: u, diffusivity: {D}, initial: {{ kind: gaussian, center: [{x0}, 2, 2], sigma: {s0}, peak: 1 }} }}
boundaries: {{ default: no_flux, x_min: periodic, x_max: periodic }}
time: {{ end: {T} }}
precision: double
)",
                                             fmt::arg("L", L), fmt::arg("D", D), fmt::arg("x0", x0),
                                             fmt::arg("s0", s0), fmt::arg("T", t_end)));
  Stepper<double> run(cfg, which);
  run.advance_to(t_end);
  const double A = std::exp(-2 * 1.0 / (2 * s0 * s0));  // the y and z factors at ±1 µm
  const double st = std::sqrt(s0 * s0 + 2 * D * t_end);
  const double err =
      test::relative_l2_error(run.fields(), run.geometry(), 0, [&](double x, double, double) {
        double sum = 0;
        for (int n = -3; n <= 3; ++n)
          sum += s0 / st * std::exp(-(x - x0 - n * L) * (x - x0 - n * L) / (2 * st * st));
        return A * sum;
      });
  EXPECT_LT(err, 2e-3);
}

// Two layers D1 | D2 between Dirichlet faces 1 and 0, no decay: the steady flux is
//   J = (u0 − uL)/(L1/D1 + L2/D2)  [conc·µm/s],
// which the finite-volume scheme reproduces exactly only with harmonic-mean face values.
TEST_P(DiffusionInvariants, TwoLayerSteadyFluxUsesTheHarmonicMean) {
  const BackendChoice which = GetParam();
  const double h = 2, L = 40, D1 = 100, D2 = 25;
  const Config cfg =
      config_from(fmt::format(R"(
grid: {{ spacing: {h} }}
geometry: {{ kind: box, size: [{L}, {h}, {h}] }}
species:
  - {{ name: u, diffusivity: {D1} }}
boundaries: {{ default: no_flux, x_min: {{ dirichlet: 1 }}, x_max: {{ dirichlet: 0 }} }}
time: {{ end: 1 }}
precision: double
)",
                              fmt::arg("h", h), fmt::arg("L", L), fmt::arg("D1", D1)));
  const Geometry g = make_geometry(cfg);
  HostFields<double> f = build_fields<double>(cfg, g);
  const Box& b = f.box;
  for (int i = b.nx / 2; i < b.nx; ++i) f.species[0].D[b.idx(i, 0, 0)] = D2;
  auto backend = make_backend<double>(which);
  backend->upload(f);
  const double dt = 0.9 * h * h / (6 * D1);
  for (int n = 0; n < 40000; ++n) backend->step(n * dt, dt);  // ≈ 40 relaxation times
  backend->download(f);
  const auto& u = f.species[0].u;
  const double J = 1.0 / ((L / 2) / D1 + (L / 2) / D2);
  auto d_at = [&](int i) { return i < b.nx / 2 ? D1 : D2; };
  for (int i = 0; i + 1 < b.nx; ++i) {
    const double Df = 2 * d_at(i) * d_at(i + 1) / (d_at(i) + d_at(i + 1));
    const double flux = -Df * (u[b.idx(i + 1, 0, 0)] - u[b.idx(i, 0, 0)]) / h;
    EXPECT_NEAR(flux, J, 1e-9 * J) << "face " << i;
  }
  // Boundary faces: the Dirichlet value sits at the face, h/2 from the voxel centre.
  EXPECT_NEAR(-D1 * (u[b.idx(0, 0, 0)] - 1.0) / (h / 2), J, 1e-9 * J);
  EXPECT_NEAR(-D2 * (0.0 - u[b.idx(b.nx - 1, 0, 0)]) / (h / 2), J, 1e-9 * J);
}

// The CUDA backend against the CPU oracle on the same problem (all boundary kinds).
template <class T>
void compare_cuda_with_cpu(double tol) {
  if (!test::have_gpu()) GTEST_SKIP() << "no CUDA GPU visible";
  const Config cfg = config_from(R"(
grid: { spacing: 4 }
geometry: { kind: box, size: [72, 40, 36] }
species:
  - { name: u, diffusivity: 80, decay: 0.01, source: 0.001, initial: { kind: gaussian, center: [20, 30, 10], sigma: 8, peak: 5 } }
  - { name: v, diffusivity: 5, initial: { kind: cosine, axis: z, modes: 2, amplitude: 1, offset: 1 } }
boundaries: { default: no_flux, x_min: { dirichlet: { u: 1, v: 0.5 } }, y_min: periodic, y_max: periodic }
time: { end: 10, dt: 0.02 }
)");
  Stepper<T> cpu(cfg, BackendChoice::Cpu), gpu(cfg, BackendChoice::Cuda);
  cpu.advance_to(10);
  gpu.advance_to(10);
  const auto &a = cpu.fields(), &b = gpu.fields();
  for (std::size_t s = 0; s < a.species.size(); ++s) {
    double num = 0, den = 0;
    const Box& box = a.box;
    for (int k = 0; k < box.nz; ++k)
      for (int j = 0; j < box.ny; ++j)
        for (int i = 0; i < box.nx; ++i) {
          const double x = a.species[s].u[box.idx(i, j, k)], y = b.species[s].u[box.idx(i, j, k)];
          num += (x - y) * (x - y);
          den += x * x;
        }
    EXPECT_LT(std::sqrt(num / den), tol) << a.species[s].name;
  }
}

TEST(CudaBackend, MatchesCpuInDouble) {
  compare_cuda_with_cpu<double>(1e-12);
}
TEST(CudaBackend, MatchesCpuInFloat) {
  compare_cuda_with_cpu<float>(1e-5);
}

LOBULE_EACH_BACKEND(DiffusionInvariants);

}  // namespace
}  // namespace lobule

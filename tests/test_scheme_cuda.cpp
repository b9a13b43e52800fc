// The CUDA backend against the CPU backend (the oracle) for every scheme, with everything the
// kernels handle: a scar-driven D, vessels with time-dependent values, masked voxels, Dirichlet
// and periodic faces, sizes that fill no tile or block evenly. Skipped without a GPU.
#include <gtest/gtest.h>

#include <cmath>

#include "host/sim/backend.hpp"
#include "support/scheme_support.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

template <class T>
void expect_same_on_cpu_and_cuda(Scheme scheme, int nx, int ny, int nz, double dt, int steps,
                                 double tol) {
  if (!test::have_gpu()) GTEST_SKIP() << "no CUDA GPU visible";
  const auto f0 = test::rich_fields<T>(scheme, nx, ny, nz);
  auto cpu = make_backend<T>(BackendChoice::Cpu);
  auto gpu = make_backend<T>(BackendChoice::Cuda);
  cpu->upload(f0);
  gpu->upload(f0);
  for (int q = 0; q < steps; ++q) {
    cpu->step(q * dt, dt);
    gpu->step(q * dt, dt);
  }
  auto a = f0, b = f0;
  cpu->download(a);
  gpu->download(b);
  for (std::size_t s = 0; s < a.species.size(); ++s) {
    double scale = 0, diff = 0;
    test::for_interior(a, [&](int, int, int, std::size_t c) {
      scale = std::max(scale, std::abs(double(a.species[s].u[c])));
      diff = std::max(diff, std::abs(double(a.species[s].u[c]) - double(b.species[s].u[c])));
    });
    EXPECT_LE(diff, tol * std::max(scale, 1e-30))
        << to_string(scheme) << ", species " << s << ": max |cpu - cuda| = " << diff;
  }
  const auto ca = cpu->clipped_mass(), cb = gpu->clipped_mass();
  for (std::size_t s = 0; s < ca.size(); ++s)
    EXPECT_NEAR(cb[s], ca[s], 1e-3 * std::max(ca[s], 1e-12) + 1e-9);
}

TEST(CudaMatchesCpu, ExplicitFloat) {
  expect_same_on_cpu_and_cuda<float>(Scheme::Explicit, 37, 29, 11, 0.03, 20, 1e-5);
}
TEST(CudaMatchesCpu, ExplicitDouble) {
  expect_same_on_cpu_and_cuda<double>(Scheme::Explicit, 37, 29, 11, 0.03, 20, 1e-12);
}
TEST(CudaMatchesCpu, Rkl2Float) {
  expect_same_on_cpu_and_cuda<float>(Scheme::Rkl2, 37, 29, 11, 60.0, 4, 1e-4);
}
TEST(CudaMatchesCpu, Rkl2Double) {
  expect_same_on_cpu_and_cuda<double>(Scheme::Rkl2, 37, 29, 11, 60.0, 4, 1e-11);
}
TEST(CudaMatchesCpu, Rkl2ThinBox) {
  expect_same_on_cpu_and_cuda<double>(Scheme::Rkl2, 5, 67, 3, 30.0, 3, 1e-11);
}

// The fixture above on the CPU alone (so that it is exercised where no GPU is): every scheme
// keeps every field finite and non-negative and the vessels at their values.
TEST(CudaFixture, RunsOnTheCpu) {
  for (Scheme scheme : {Scheme::Explicit, Scheme::Rkl2}) {
    auto f = test::rich_fields<float>(scheme, 37, 29, 11);
    auto cpu = make_backend<float>(BackendChoice::Cpu);
    cpu->upload(f);
    const double dt = scheme == Scheme::Explicit ? 0.03 : 60.0;
    for (int q = 0; q < 4; ++q) cpu->step(q * dt, dt);
    cpu->download(f);
    const double g = 1 + 0.5 * std::sin(4 * dt / 300);
    test::for_interior(f, [&](int, int, int, std::size_t c) {
      for (const auto& sp : f.species) ASSERT_TRUE(std::isfinite(sp.u[c]) && sp.u[c] >= 0);
      const float expect_cyt = f.label[c] == kCentralVein ? 0.0f : float(g);
      if (f.label[c] == kCentralVein || f.label[c] == kPortalVein) {
        ASSERT_NEAR(f.species[0].u[c], expect_cyt, 1e-6);
      }
      if (f.label[c] == kOutside) {
        ASSERT_EQ(f.species[1].u[c], 0.0f);
      }
    });
  }
}

}  // namespace
}  // namespace lobule

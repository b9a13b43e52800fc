// The AVX2 build of the CPU loops (kernels/cpu/diffusion_cpu_isa.hpp) writes the bits of the
// portable build: every scheme on fields with everything the kernels handle (held and masked
// voxels, a scar-driven D, Dirichlet and periodic faces, sizes no vector width divides), and the
// liver model with MSC therapy over days. Skipped on a CPU without AVX2.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "host/config/config.hpp"
#include "host/sim/stepper.hpp"
#include "kernels/cpu/diffusion_cpu_isa.hpp"
#include "support/isa_scope.hpp"
#include "support/scheme_support.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

using cpu::CpuIsa;

using test::IsaScope;

template <class T>
HostFields<T> run_with(CpuIsa isa, Scheme scheme, double dt, int steps) {
  const IsaScope scope(isa);
  auto f = test::rich_fields<T>(scheme, 37, 29, 11);
  auto cpu = make_backend<T>(BackendChoice::Cpu);
  cpu->upload(f);
  for (int q = 0; q < steps; ++q) cpu->step(q * dt, dt);
  cpu->download(f);
  return f;
}

template <class T>
void expect_same_bits(const HostFields<T>& a, const HostFields<T>& b, const std::string& what) {
  ASSERT_EQ(a.species.size(), b.species.size());
  for (std::size_t s = 0; s < a.species.size(); ++s) {
    const auto &x = a.species[s].u, &y = b.species[s].u;
    ASSERT_EQ(x.size(), y.size());
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(T)), 0)
        << what << ": species " << a.species[s].name << " differs";
  }
}

template <class T>
void every_scheme_gives_the_portable_bits() {
  struct Case {
    Scheme scheme;
    double dt;
  };
  for (const Case& k : {Case{Scheme::Explicit, 0.03}, Case{Scheme::Rkl2, 60.0}}) {
    const auto portable = run_with<T>(CpuIsa::Portable, k.scheme, k.dt, 6);
    const auto avx2 = run_with<T>(CpuIsa::Avx2, k.scheme, k.dt, 6);
    expect_same_bits(portable, avx2, to_string(k.scheme));
    const auto start = test::rich_fields<T>(k.scheme, 37, 29, 11);
    EXPECT_NE(std::memcmp(portable.species[0].u.data(), start.species[0].u.data(),
                          start.species[0].u.size() * sizeof(T)),
              0)
        << "the steps changed nothing";
  }
}

TEST(CpuIsa, Avx2LoopsWriteThePortableBits) {
  if (!cpu::cpu_isa_available(CpuIsa::Avx2)) GTEST_SKIP() << "no AVX2 on this CPU or build";
  every_scheme_gives_the_portable_bits<float>();
  every_scheme_gives_the_portable_bits<double>();
}

// The model path: rates, the EV and MSC sources, scar-hindered faces, the start-state solve.
TEST(CpuIsa, Avx2LoopsRunTheDemoToThePortableBits) {
  if (!cpu::cpu_isa_available(CpuIsa::Avx2)) GTEST_SKIP() << "no AVX2 on this CPU or build";
  const Config c = load_config(test::source_path("inputs/demo.yaml"), {"time.end=3 d"});
  const auto run = [&](CpuIsa isa) {
    const IsaScope scope(isa);
    Stepper<float> s(c, BackendChoice::Cpu);
    s.advance_to(3 * 86400.0);
    return s.fields();
  };
  expect_same_bits(run(CpuIsa::Portable), run(CpuIsa::Avx2), "demo");
}

TEST(CpuIsa, AnUnavailableSetIsNotSelected) {
  EXPECT_TRUE(cpu::cpu_isa_available(CpuIsa::Portable));
  if (cpu::cpu_isa_available(CpuIsa::Avx2)) GTEST_SKIP() << "every set is available here";
  const CpuIsa before = cpu::cpu_isa();
  EXPECT_FALSE(cpu::select_cpu_isa(CpuIsa::Avx2));
  EXPECT_EQ(cpu::cpu_isa(), before);
}

}  // namespace
}  // namespace lobule

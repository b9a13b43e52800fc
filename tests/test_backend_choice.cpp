// Choosing the engine: auto takes the GPU exactly when one is visible, and asking for CUDA where
// there is none is a clear error at every entry point, never a run on the CPU.
#include <gtest/gtest.h>

#include "host/errors.hpp"
#include "host/sim/engine.hpp"
#include "host/sim/stepper.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

const char* kScenario = R"(
name: choice
grid: { spacing: "10 um" }
geometry: { kind: box, size: ["40 um", "40 um", "40 um"] }
species: [ { name: u, diffusivity: "10 um^2/s" } ]
time: { end: "1 s", dt: auto }
)";

TEST(BackendChoice, AutoPicksCudaExactlyWhenAGpuIsVisible) {
  const auto b = make_backend<float>(BackendChoice::Auto);
  EXPECT_STREQ(b->name(), cuda_available() ? "cuda" : "cpu");
  EXPECT_STREQ(make_backend<double>(BackendChoice::Cpu)->name(), "cpu");
}

TEST(BackendChoice, CudaWithoutAGpuIsAnErrorEverywhere) {
  if (cuda_available()) GTEST_SKIP() << "a GPU is visible here";
  EXPECT_THROW(make_backend<float>(BackendChoice::Cuda), InputError);
  EXPECT_THROW(make_backend<double>(BackendChoice::Cuda), InputError);
  const Config c = parse_config(kScenario, "choice.yaml");
  EXPECT_THROW(Stepper<float>(c, BackendChoice::Cuda), InputError);
  test::TempDir dir;
  const auto r = test::run_lobule(
      {"run", dir.write("s.yaml", kScenario), "-o", dir.path() + "/out", "--backend", "cuda"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("backend cuda"), std::string::npos) << r.output;
}

// Kernels built for one memory space are refused by an engine of the other.
struct DeviceOnly final : ModelKernels<float> {
  bool host_memory() const override { return false; }
  void react(const Box&, const VoxelMap&, const std::vector<float*>&,
             const std::vector<VesselTable<float>>&, float, float, const ReactionControl<float>&,
             const std::vector<FrozenRates<float>>&) const override {}
  void rates(const Box&, const VoxelMap&, const std::vector<float*>&,
             const std::vector<VesselTable<float>>&, float,
             const std::vector<float*>&) const override {}
  void freeze(const Box&, const VoxelMap&, const std::vector<float*>&,
              const std::vector<VesselTable<float>>&, float, const std::vector<float*>&,
              const std::vector<float*>&) const override {}
};

TEST(BackendChoice, ModelKernelsMustLiveWhereTheEngineDoes) {
  CpuBackend<float> cpu;
  EXPECT_THROW(cpu.set_model(std::make_shared<DeviceOnly>()), std::invalid_argument);
}

}  // namespace
}  // namespace lobule

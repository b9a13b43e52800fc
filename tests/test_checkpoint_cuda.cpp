// Checkpoints across backends: a CPU checkpoint continues on CUDA and a CUDA one on the
// CPU (same padded layout, same file); on CUDA alone a restart is bit-exact. Skipped
// without a GPU.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "host/io/checkpoint_store.hpp"
#include "host/sim/simulation.hpp"
#include "support/checkpoint_fixtures.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

void run_on(BackendChoice backend, const test::CkScenario& s, const std::string& dir,
            const std::string& restart = "") {
  RunOptions opt;
  opt.out_dir = dir;
  opt.quiet = true;
  opt.restart = restart;
  opt.backend = backend;
  run_simulation(parse_config(s.yaml(), "ck.yaml"), opt);
}

std::vector<float> final_values(const std::string& dir) {
  const std::string data = test::checkpoint_data(CheckpointStore(dir + "/checkpoints").latest());
  std::vector<float> v(data.size() / sizeof(float));
  std::memcpy(v.data(), data.data(), data.size());
  return v;
}

void expect_close(const std::vector<float>& a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_NEAR(a[i], b[i], 1e-5f * std::max(1.0f, std::abs(a[i]))) << "value " << i;
}

class CrossBackend : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::have_gpu()) GTEST_SKIP() << "no CUDA GPU";
    half_.end = "4 s";
  }
  test::TempDir tmp_;
  test::CkScenario whole_, half_;
};

TEST_F(CrossBackend, ACpuCheckpointContinuesOnCudaAndBack) {
  const std::string cpu = tmp_.path() + "/cpu", there = tmp_.path() + "/there",
                    back = tmp_.path() + "/back";
  run_on(BackendChoice::Cpu, whole_, cpu);
  run_on(BackendChoice::Cpu, half_, there);
  run_on(BackendChoice::Cuda, whole_, there, "latest");
  expect_close(final_values(cpu), final_values(there));
  run_on(BackendChoice::Cuda, half_, back);
  run_on(BackendChoice::Cpu, whole_, back, "latest");
  expect_close(final_values(cpu), final_values(back));
}

TEST_F(CrossBackend, ACudaRestartIsBitExact) {
  const std::string whole = tmp_.path() + "/whole", split = tmp_.path() + "/split";
  run_on(BackendChoice::Cuda, whole_, whole);
  run_on(BackendChoice::Cuda, half_, split);
  run_on(BackendChoice::Cuda, whole_, split, "latest");
  EXPECT_EQ(final_values(whole), final_values(split));
}

}  // namespace
}  // namespace lobule

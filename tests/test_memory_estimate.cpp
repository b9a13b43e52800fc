// The memory report (`lobule check`, host/sim/memory_estimate.cpp) against what the engine
// allocates (Backend::state_bytes), for each kind of model and scheme, on every backend: the
// pre-allocation check and the GPU figure a user plans a run with must be right.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "host/config/config.hpp"
#include "host/sim/memory_estimate.hpp"
#include "host/sim/stepper.hpp"
#include "support/each_backend.hpp"
#include "support/liver_start.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

class MemoryEstimate : public test::EachBackend {
 protected:
  // The engine's state after one step (the rate arrays exist from the first step on) against the
  // estimate for this backend.
  template <class T>
  void compare(const Config& c, const char* what) {
    const auto e = estimate_memory(c, GetParam());
    Stepper<T> s(c, GetParam());
    s.advance_to(std::min(c.time.end, c.time.dt));
    const double allocated = double(s.state_bytes());
    const double estimated = double(e.state_bytes);
    std::printf("[ measured ] %s on %s: allocated %.0f bytes, estimated %.0f (%.3f)\n", what,
                backend(), allocated, estimated, estimated / allocated);
    // The CPU engine allocates exactly what the estimate counts, byte for byte (measured 1.000
    // in every case); on CUDA the estimate is held to 10 %.
    if (GetParam() == BackendChoice::Cpu) {
      EXPECT_EQ(e.state_bytes, s.state_bytes()) << what;
    } else {
      EXPECT_NEAR(estimated / allocated, 1.0, 0.10) << what;
    }
    const auto& dev = GetParam() == BackendChoice::Cuda ? e.device_bytes : e.host_bytes;
    EXPECT_GE(dev, e.state_bytes) << what << ": the device total includes the state";
  }
};

TEST_P(MemoryEstimate, MatchesTheAllocationOfTheDiffusionDecayModel) {
  for (const char* scheme : {"explicit", "rkl2", "implicit"})
    for (const char* precision : {"float", "double"}) {
      const Config c = load_config(test::source_path("inputs/pulse.yaml"),
                                   {std::string("time.scheme=") + scheme,
                                    std::string("precision=") + precision, "time.end=1 s"});
      const std::string what = std::string("pulse, ") + scheme + ", " + precision;
      if (c.precision == Precision::Float)
        compare<float>(c, what.c_str());
      else
        compare<double>(c, what.c_str());
    }
}

TEST_P(MemoryEstimate, MatchesTheAllocationOfTheLiverModel) {
  // A start file instead of the healthy steady state, which takes long to solve.
  const test::TempDir dir;
  const std::string path = test::source_path("inputs/ccl4_4wk.yaml");
  std::ifstream in(path);
  const std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string initial =
      test::liver_start(dir, yaml, [](int q, std::size_t) { return 0.1 * (q + 1); });
  const std::string start = initial.substr(initial.find('{'));
  for (const char* scheme : {"explicit", "rkl2", "implicit"}) {
    std::vector<std::string> set = {std::string("time.scheme=") + scheme, "precision=float",
                                    "model.initial=" + start};
    if (std::string(scheme) == "explicit") set.push_back("time.dt=1 s");
    const Config c = load_config(path, set);
    compare<float>(c, (std::string("ccl4_4wk, ") + scheme).c_str());
    // The liver model's GPU state in float: at most 10 bytes per voxel and field with explicit
    // and rkl2 (a field, its rate or frozen rates, the shared hindrances and scratch arrays).
    // The implicit scheme adds its multigrid: 17.3 on this one-layer lobule, where the coarse
    // levels' halos weigh most (the estimate is the allocation all the same, above).
    const auto gpu = estimate_memory(c, BackendChoice::Cuda);
    const double per_field =
        double(gpu.state_bytes) / (gpu.padded_voxels * double(c.species.size()));
    std::printf("[ measured ] ccl4_4wk, %s: %.1f bytes per voxel and field on the GPU\n", scheme,
                per_field);
    if (std::string(scheme) != "implicit") {
      EXPECT_LE(per_field, 10.0) << scheme;
    }
  }
  // Volume fractions add the engine's three tissue-weight planes (and hold every vessel's axis
  // voxel, so the start file is written for that lobule).
  const test::TempDir dir_f;
  std::string yaml_f = yaml;
  const std::string kind = "  kind: hex_lobule\n";
  ASSERT_NE(yaml_f.find(kind), std::string::npos);
  yaml_f.insert(yaml_f.find(kind) + kind.size(), "  volume_fractions: true\n");
  const std::string initial_f =
      test::liver_start(dir_f, yaml_f, [](int q, std::size_t) { return 0.1 * (q + 1); });
  const Config f = load_config(path, {"time.scheme=rkl2", "precision=float",
                                      "model.initial=" + initial_f.substr(initial_f.find('{')),
                                      "geometry.volume_fractions=true"});
  compare<float>(f, "ccl4_4wk, rkl2, volume fractions");
}

TEST_P(MemoryEstimate, MatchesTheAllocationOfACoupledTestModel) {
  for (const char* scheme : {"explicit", "rkl2", "implicit"}) {
    const Config c = load_config(test::source_path("inputs/annihilation.yaml"),
                                 {std::string("time.scheme=") + scheme, "time.dt=0.1 s"});
    const std::string what = std::string("annihilation, ") + scheme;
    if (c.precision == Precision::Float)
      compare<float>(c, what.c_str());
    else
      compare<double>(c, what.c_str());
  }
}

LOBULE_EACH_BACKEND(MemoryEstimate);

}  // namespace
}  // namespace lobule

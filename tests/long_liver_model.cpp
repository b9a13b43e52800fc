// Long liver-model checks (label long): the healthy state at one- and ten-minute steps.
#include <gtest/gtest.h>

#include "host/config/config.hpp"
#include "host/sim/stepper.hpp"
#include "kernels/models/liver_fibrosis_params.hpp"
#include "support/liver_scenarios.hpp"

namespace lobule {
namespace {

using test::lobule_scenario;

// The healthy state is a fixed point of the step at any dt: one day at dt = 1 min and at
// dt = 10 min moves no field mean by more than 1e-4 of its value.
TEST(LiverModelLong, HealthyStateDoesNotDriftAtOneOrTenMinuteSteps) {
  const std::string extra = "  initial: healthy";
  for (const char* dt : {"1 min", "10 min"}) {
    const Config c =
        parse_config(lobule_scenario(extra, R"({ end: "1 d", dt: "1 min", scheme: rkl2 })"),
                     "liver_test.yaml", {std::string("time.dt=") + dt});
    Stepper<double> s(c, BackendChoice::Cpu);
    const HostFields<double> f0 = s.fields();
    s.advance_to(kDay);
    const auto& f = s.fields();
    for (std::size_t q = 0; q < f.species.size(); ++q) {
      double a = 0, b = 0;
      for (std::size_t v = 0; v < f.label.size(); ++v)
        if (f.label[v] != kOutside) a += f0.species[q].u[v], b += f.species[q].u[v];
      EXPECT_NEAR(b, a, 1e-4 * std::abs(a) + 1e-9) << f.species[q].name << " at dt = " << dt;
    }
  }
}

}  // namespace
}  // namespace lobule

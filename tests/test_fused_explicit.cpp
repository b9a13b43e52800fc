// The fused explicit step of a coupled model (kernels/cpu/fused_explicit_cpu.hpp): the same bits
// as the model's rates into arrays followed by each species' explicit update, for the liver
// model (its rates several voxels at a time, each instruction set) and for a model without row
// rates (annihilation, voxel by voxel); and the liver rates on lanes against the one-voxel
// formula at every label.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "host/config/config.hpp"
#include "host/model/liver_fibrosis.hpp"
#include "host/sim/backend.hpp"
#include "host/sim/build_fields.hpp"
#include "kernels/cpu/diffusion_cpu_isa.hpp"
#include "kernels/cpu/simd_lanes.hpp"
#include "support/isa_scope.hpp"
#include "support/liver_scenarios.hpp"
#include "support/liver_start.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

// A model's kernels with the fused step taken away: the engine then takes the rates into arrays
// and a pass per species.
template <class T>
class Unfused final : public ModelKernels<T> {
 public:
  explicit Unfused(std::shared_ptr<const ModelKernels<T>> k) : k_(std::move(k)) {}
  bool host_memory() const override { return k_->host_memory(); }
  void react(const Box& b, const VoxelMap& m, const std::vector<T*>& u,
             const std::vector<VesselTable<T>>& held, T t, T dt, const ReactionControl<T>& ctl,
             const std::vector<FrozenRates<T>>& frozen) const override {
    k_->react(b, m, u, held, t, dt, ctl, frozen);
  }
  void rates(const Box& b, const VoxelMap& m, const std::vector<T*>& u,
             const std::vector<VesselTable<T>>& held, T t,
             const std::vector<T*>& rate) const override {
    k_->rates(b, m, u, held, t, rate);
  }
  void freeze(const Box& b, const VoxelMap& m, const std::vector<T*>& u,
              const std::vector<VesselTable<T>>& held, T t, const std::vector<T*>& p,
              const std::vector<T*>& l) const override {
    k_->freeze(b, m, u, held, t, p, l);
  }

 private:
  std::shared_ptr<const ModelKernels<T>> k_;
};

// `steps` explicit steps of scenario c from its start, fused and unfused, on backend `which`
// (the CPU with the loops of `isa`): every value of every species must be the same bits, or on a
// GPU within `tolerance` of the unfused value, relative to the species' largest value (the same
// device functions in other kernels, which the compiler may contract into fused multiply-adds
// differently).
template <class T>
void expect_fused_matches_unfused(const Config& c, int steps, cpu::CpuIsa isa,
                                  BackendChoice which = BackendChoice::Cpu, double tolerance = 0) {
  const test::IsaScope scope(isa);
  ASSERT_EQ(cpu::cpu_isa(), isa);
  const Geometry g = make_geometry(c);
  HostFields<T> start = build_fields<T>(c, g);
  const auto kernels = c.model_impl->kernels<T>(which);
  auto fused = make_backend<T>(which), plain = make_backend<T>(which);
  fused->set_model(kernels);
  plain->set_model(std::make_shared<Unfused<T>>(kernels));
  fused->upload(start);
  plain->upload(start);
  const double dt = c.time.dt;
  for (int n = 0; n < steps; ++n) {
    fused->step(n * dt, dt);
    plain->step(n * dt, dt);
  }
  HostFields<T> a = start, b = start;
  fused->download(a);
  plain->download(b);
  const Box& box = a.box;
  std::size_t differ = 0, negative = 0;
  const auto each_voxel = [&](const auto& f) {
    for (int k = 0; k < box.nz; ++k)
      for (int j = 0; j < box.ny; ++j)
        for (int i = 0; i < box.nx; ++i) f(box.idx(i, j, k));
  };
  for (std::size_t s = 0; s < a.species.size(); ++s) {
    double scale = 0;  // the species' largest value: what the GPU tolerance is relative to
    each_voxel(
        [&](std::size_t v) { scale = std::max(scale, std::abs(double(b.species[s].u[v]))); });
    each_voxel([&](std::size_t v) {
      const T x = a.species[s].u[v], y = b.species[s].u[v];
      if (tolerance > 0)
        differ += !(std::abs(double(x) - double(y)) <= tolerance * scale);
      else
        differ += std::memcmp(&x, &y, sizeof x) != 0;
      negative += x < T(0);
    });
  }
  EXPECT_EQ(differ, 0u) << fused->name() << ", " << cpu::cpu_isa_name(isa);
  EXPECT_EQ(negative, 0u);
  // The record of the lowest value written agrees too.
  EXPECT_EQ(fused->explicit_lowest(), plain->explicit_lowest());
}

// A lobule at 5 µm in 10 layers (rows of about 60 voxels, not a whole number of lanes; enough
// voxels for the threaded loops), random fields, an injury period and an EV dose (vessels holding a
// blood level that changes in time). With `fractions`, the geometry's volume fractions: the row
// loops then read the tissue weights' lanes instead of deriving them from the labels.
std::string liver_yaml(const test::TempDir& dir, const char* precision, bool fractions = false) {
  std::string head = R"(
name: fused
grid: { spacing: "5 um" }
geometry:
  kind: hex_lobule
  radius: "150 um"
  height: "50 um"
  central_vein_radius: "20 um"
  portal: { vein_radius: "15 um", artery_radius: "5 um", duct_radius: "5 um", tract_radius: "30 um" }
  sinusoids: { plate_thickness: "25 um" }
)";
  if (fractions) head += "  volume_fractions: true\n";
  const std::string time = R"({ end: "10 min", dt: auto, scheme: explicit })";
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  const std::string initial =
      test::liver_start(dir, test::liver_scenario(head, "", time),
                        [&](int q, std::size_t) { return (q == kCollagen ? 10.0 : 1.0) * U(rng); });
  std::string yaml = test::liver_scenario(head, initial + R"(  injury:
    - { pattern: pericentral, rate: "0.3 1/d", from: "0 d", to: "1 d" }
    - { pattern: periportal, rate: "0.2 1/d", from: "0 d", to: "1 d" }
  therapy:
    - { agent: ev, dose: 1.0e10, at: "0 s", route: portal_vein }
)",
                                          time);
  const std::string from = "precision: double";
  yaml.replace(yaml.find(from), from.size(), std::string("precision: ") + precision);
  return yaml;
}

class FusedLiver : public ::testing::TestWithParam<cpu::CpuIsa> {
 protected:
  void SetUp() override {
    if (!cpu::cpu_isa_available(GetParam()))
      GTEST_SKIP() << cpu::cpu_isa_name(GetParam()) << " loops not available here";
  }
};

TEST_P(FusedLiver, FloatStepsWriteTheUnfusedBits) {
  const test::TempDir dir;
  const Config c = parse_config(liver_yaml(dir, "float"), "fused.yaml");
  expect_fused_matches_unfused<float>(c, 12, GetParam());
}

TEST_P(FusedLiver, DoubleStepsWriteTheUnfusedBits) {
  const test::TempDir dir;
  const Config c = parse_config(liver_yaml(dir, "double"), "fused.yaml");
  expect_fused_matches_unfused<double>(c, 12, GetParam());
}

TEST_P(FusedLiver, FloatStepsWithVolumeFractionsWriteTheUnfusedBits) {
  const test::TempDir dir;
  const Config c = parse_config(liver_yaml(dir, "float", true), "fused.yaml");
  ASSERT_TRUE(c.geometry.volume_fractions);
  expect_fused_matches_unfused<float>(c, 12, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Isa, FusedLiver,
                         ::testing::Values(cpu::CpuIsa::Portable, cpu::CpuIsa::Avx2),
                         [](const auto& info) {
                           return std::string(cpu::cpu_isa_name(info.param));
                         });

// On a GPU: the fused kernel against the rates kernel followed by each species' update kernel.
TEST(FusedLiverCuda, StepsMatchTheUnfusedSteps) {
  if (!cuda_available()) GTEST_SKIP() << "no usable GPU";
  const test::TempDir dir;
  const Config f = parse_config(liver_yaml(dir, "float"), "fused.yaml");
  expect_fused_matches_unfused<float>(f, 12, cpu::CpuIsa::Portable, BackendChoice::Cuda, 1e-5);
  const Config d = parse_config(liver_yaml(dir, "double"), "fused.yaml");
  expect_fused_matches_unfused<double>(d, 12, cpu::CpuIsa::Portable, BackendChoice::Cuda, 1e-12);
}

// A model without row rates takes the fused step voxel by voxel: the same bits too (31 × 48 × 24
// voxels: the threaded loops).
TEST(FusedExplicit, AModelWithoutRowRatesWritesTheUnfusedBits) {
  const Config c = parse_config(R"(
name: fused_annihilation
grid: { spacing: "5 um" }
geometry: { kind: box, size: ["155 um", "240 um", "120 um"] }
model:
  name: annihilation
  parameters: { k: "0.5 1/s" }
species:
  - { name: a, diffusivity: 10, initial: { kind: gaussian, center: [40, 120, 60], sigma: 15, peak: 2 } }
  - { name: b, diffusivity: 20, initial: { kind: gaussian, center: [110, 120, 60], sigma: 15, peak: 3 } }
  - { name: c, diffusivity: 0, initial: { kind: uniform, value: 0 } }
time: { end: "1 s", dt: auto, scheme: explicit }
precision: double
)",
                                "fused.yaml");
  expect_fused_matches_unfused<double>(c, 40, cpu::CpuIsa::Portable);
}

// The liver rates of a row of voxels on lanes (16 and 32 bytes) equal the one-voxel formula bit
// for bit at random states, every label and zone, in and out of an injury, with an EV pulse.
template <class T, int B>
void expect_lanes_match_voxels() {
  using V = cpu::Lanes<T, B>;
  constexpr int W = V::kCount;
  LiverParams p;
  p.injury[0] = {InjuryPattern::Pericentral, 0.3 / kDay, 0, 5 * kDay};
  p.injury[1] = {InjuryPattern::Uniform, 0.1 / kDay, 0, 6 * kDay};
  p.injury_periods = 2;
  p.s_ev_msc = 3.0 / kDay;
  p.dose[0] = {TherapyAgent::Ev, TherapyRoute::PortalVein, 0, 2e10, {0, 0, 0}, 0};
  p.doses = 1;
  const LiverRates<T> r(p);
  const auto now = r.at(T(kDay));
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  const std::uint8_t labels[] = {0, 1, 2, 3, 4, 5, 6, 7, 255};
  std::size_t checked = 0, differ = 0;
  for (int trial = 0; trial < 200; ++trial) {
    T u[kLiverFields][W];
    std::uint8_t label[W];
    float zone[W], cell[W], sin[W], tract[W];
    // Odd trials: volume-fraction weights (a share of lumen, of tract; some voxels cell-free).
    const bool fractions = trial % 2 == 1;
    for (int l = 0; l < W; ++l) {
      for (int q = 0; q < kLiverFields; ++q) u[q][l] = T((q == kCollagen ? 30 : 2) * U(rng));
      label[l] = labels[std::size_t(trial * W + l) % 9];
      zone[l] = float(U(rng));
      const TissueWeights<float> lw = label_weights<float>(label[l]);
      sin[l] = fractions ? float(U(rng)) : lw.sinusoid;
      cell[l] = fractions ? (l % 3 == 0 ? 0.0f : (1 - sin[l]) * float(U(rng))) : lw.cell;
      tract[l] = fractions ? float(U(rng)) : lw.tract;
    }
    V v[kLiverFields], P[kLiverFields], L[kLiverFields];
    for (int q = 0; q < kLiverFields; ++q) v[q] = V::load(u[q]);
    const TissueWeights<V> wv{cpu::load_as<T, B>(cell), cpu::load_as<T, B>(sin),
                              cpu::load_as<T, B>(tract)};
    r.voxel_rates(now, cpu::LaneLabels<T, B>::load(label), cpu::load_as<T, B>(zone), wv, v, P, L);
    for (int l = 0; l < W; ++l) {
      T w[kLiverFields], Pw[kLiverFields], Lw[kLiverFields];
      for (int q = 0; q < kLiverFields; ++q) w[q] = u[q][l];
      const TissueWeights<T> ws{T(cell[l]), T(sin[l]), T(tract[l])};
      r.voxel_rates(now, label[l], T(zone[l]), ws, w, Pw, Lw);
      for (int q = 0; q < kLiverFields; ++q) {
        T lane_p[W], lane_l[W];
        P[q].store(lane_p);
        L[q].store(lane_l);
        differ += std::memcmp(&lane_p[l], &Pw[q], sizeof(T)) != 0;
        differ += std::memcmp(&lane_l[l], &Lw[q], sizeof(T)) != 0;
        checked += 2;
      }
    }
  }
  EXPECT_EQ(differ, 0u) << "of " << checked;
  EXPECT_GT(checked, 0u);
}

TEST(LiverRowRates, LanesEqualTheOneVoxelFormula) {
  expect_lanes_match_voxels<float, 16>();
  expect_lanes_match_voxels<float, 32>();
  expect_lanes_match_voxels<double, 16>();
  expect_lanes_match_voxels<double, 32>();
}

}  // namespace
}  // namespace lobule

// The YAML of the time schemes, the variable diffusivity and the vessels: accepted forms,
// located errors, the resolved config, `lobule check`'s table, short runs through the CLI, and
// the explicit scheme still computing the foundation's formula bit for bit.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "host/config/config_error.hpp"
#include "host/config/stability.hpp"
#include "host/sim/backend.hpp"
#include "host/sim/stepper.hpp"
#include "kernels/rkl2.hpp"
#include "support/checkpoint_fixtures.hpp"
#include "support/scheme_support.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

std::string scenario(const std::string& species_extra = "",
                     const std::string& time = "{ end: \"1 h\", dt: \"1 min\", scheme: rkl2 }") {
  return R"(
name: t
grid: { spacing: "5 um" }
geometry: { kind: box, size: ["50 um", "50 um", "50 um"] }
species:
  - name: cyt
    diffusivity: "60 um^2/s"
    half_life: "30 min"
)" + species_extra +
         R"(
  - name: collagen
    diffusivity: "0 um^2/s"
    initial: { kind: uniform, value: 0.5 }
time: )" +
         time + "\n";
}

std::string error_of(const std::string& yaml) {
  return test::config_error_of(yaml, "s.yaml");
}

TEST(SchemeConfig, SchemesAreAccepted) {
  EXPECT_EQ(parse_config(scenario(), "s.yaml").time.scheme, Scheme::Rkl2);
  // lod was replaced by rkl2: the old name still runs, with a warning that names the new one.
  const auto lod =
      parse_config(scenario("", "{ end: \"1 h\", dt: \"5 min\", scheme: lod }"), "s.yaml");
  EXPECT_EQ(lod.time.scheme, Scheme::Rkl2);
  EXPECT_DOUBLE_EQ(lod.time.dt, 300);
  ASSERT_EQ(lod.warnings.size(), 1u);
  EXPECT_NE(lod.warnings[0].find("time.scheme lod was replaced by rkl2"), std::string::npos)
      << lod.warnings[0];
  EXPECT_NE(lod.warnings[0].find("s.yaml"), std::string::npos) << lod.warnings[0];
  EXPECT_EQ(parse_config(scenario("", "{ end: \"1 s\", dt: auto }"), "s.yaml").time.scheme,
            Scheme::Explicit);
}

TEST(SchemeConfig, ErrorsNameTheKeyAndSayWhatToDo) {
  const std::string bad = error_of(scenario("", "{ end: \"1 h\", dt: \"1 min\", scheme: adi }"));
  EXPECT_NE(bad.find("time.scheme"), std::string::npos) << bad;
  EXPECT_NE(bad.find("rkl2"), std::string::npos) << bad;
  const std::string autodt = error_of(scenario("", "{ end: \"1 h\", dt: auto, scheme: lod }"));
  EXPECT_NE(autodt.find("time.dt"), std::string::npos) << autodt;
  EXPECT_NE(autodt.find("lobule check"), std::string::npos) << autodt;
  const std::string limit =
      error_of(scenario("", "{ end: \"1 h\", dt: \"1 min\", scheme: explicit }"));
  EXPECT_NE(limit.find("exceeds the explicit stability limit"), std::string::npos) << limit;
  EXPECT_NE(limit.find("negative"), std::string::npos) << limit;
  EXPECT_NE(limit.find("scheme implicit"), std::string::npos) << limit;
}

TEST(SchemeConfig, DiffusivityDriverIsResolved) {
  const Config c =
      parse_config(scenario("    diffusivity_driver: { field: collagen, c_half: 2.0 }"), "s.yaml");
  ASSERT_EQ(c.species[0].driver.field_index.size(), 1u);
  EXPECT_EQ(c.species[0].driver.field_index[0], 1);
  EXPECT_DOUBLE_EQ(c.species[0].driver.c_half, 2.0);
  const Config two = parse_config(
      scenario("    diffusivity_driver: { field: [collagen, cyt], c_half: 0.2 }"), "s.yaml");
  EXPECT_EQ(two.species[0].driver.field_index, (std::vector<int>{1, 0}));
}

TEST(SchemeConfig, DriverErrors) {
  const std::string unknown =
      error_of(scenario("    diffusivity_driver: { field: scar, c_half: 2.0 }"));
  EXPECT_NE(unknown.find("species[0].diffusivity_driver.field"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("'scar'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("s.yaml:"), std::string::npos) << unknown;
  const std::string half =
      error_of(scenario("    diffusivity_driver: { field: collagen, c_half: 0 }"));
  EXPECT_NE(half.find("c_half must be positive"), std::string::npos) << half;
  const std::string many =
      error_of(scenario("    diffusivity_driver: { field: [cyt, cyt, cyt, cyt, cyt], c_half: 1 }"));
  EXPECT_NE(many.find("1 to 4"), std::string::npos) << many;
}

TEST(SchemeConfig, VesselsByLabelName) {
  const Config c =
      parse_config(scenario("    vessels: { central_vein: 0.0, portal_vein: \"1.5\" }"), "s.yaml");
  ASSERT_EQ(c.species[0].vessels.size(), 2u);
  EXPECT_EQ(c.species[0].vessels[0].label, int(kCentralVein));
  EXPECT_EQ(c.species[0].vessels[1].label, int(kPortalVein));
  EXPECT_DOUBLE_EQ(c.species[0].vessels[1].value, 1.5);
  const std::string unknown = error_of(scenario("    vessels: { hepatic_vein: 0.0 }"));
  EXPECT_NE(unknown.find("unknown label 'hepatic_vein'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("central_vein"), std::string::npos) << unknown;  // lists the names
  const std::string negative = error_of(scenario("    vessels: { portal_vein: -1 }"));
  EXPECT_NE(negative.find("must not be negative"), std::string::npos) << negative;
}

TEST(SchemeConfig, ResolvedConfigRoundTrips) {
  const Config c =
      parse_config(scenario("    diffusivity_driver: { field: collagen, c_half: 2.0 }\n"
                            "    vessels: { central_vein: 0.25 }",
                            "{ end: \"1 h\", dt: \"2 min\", scheme: rkl2 }"),
                   "s.yaml");
  YAML::Emitter out;
  out << resolved_yaml(c);
  const Config again = parse_config(out.c_str(), "resolved.yaml");
  EXPECT_EQ(again.time.scheme, Scheme::Rkl2);
  EXPECT_DOUBLE_EQ(again.time.dt, 120);
  EXPECT_EQ(again.species[0].driver.field_index, c.species[0].driver.field_index);
  EXPECT_DOUBLE_EQ(again.species[0].driver.c_half, 2.0);
  ASSERT_EQ(again.species[0].vessels.size(), 1u);
  EXPECT_DOUBLE_EQ(again.species[0].vessels[0].value, 0.25);
}

// The stage counts of kernels/rkl2.hpp, which the engine takes per step, written out: the least
// s ≥ 2 with z ≤ (s² + s − 2)/4, z = dt·λ_max (half of RKL2's stability interval).
TEST(SchemeConfig, Rkl2StagesAreTheLeastWithinHalfTheInterval) {
  // At the interval's edges: (s² + s − 2)/4 = 1 (s = 2), 2.5 (s = 3), 27 (s = 10), 1313.5 (s = 72).
  EXPECT_EQ(rkl2_stage_count(0.0), 0);
  EXPECT_EQ(rkl2_stage_count(1e-9), 2);
  EXPECT_EQ(rkl2_stage_count(1.0), 2);
  EXPECT_EQ(rkl2_stage_count(1.0001), 3);
  EXPECT_EQ(rkl2_stage_count(2.5), 3);
  EXPECT_EQ(rkl2_stage_count(2.5001), 4);
  EXPECT_EQ(rkl2_stage_count(27.0), 10);
  EXPECT_EQ(rkl2_stage_count(27.01), 11);
  EXPECT_EQ(rkl2_stage_count(1313.5), 72);
  EXPECT_EQ(rkl2_stage_count(1313.6), 73);
  // D = 60 µm²/s on 5 µm voxels: λ_max = 4·60·3/25 = 28.8 1/s, plus a loss of 0.01 1/s.
  const InvH2<float> ih2{0.04f, 0.04f, 0.04f};
  const std::array<double, 3> h = {5, 5, 5};
  const std::pair<double, int> want[] = {{0.01, 2}, {1.0, 11}, {60.0, 83}, {3600.0, 644}};
  for (const auto& [dt, s] : want) {
    EXPECT_EQ(rkl2_stage_count(dt, 60.0, ih2, 0.01), s) << "dt = " << dt;
    EXPECT_EQ(rkl2_stages(dt, 60, 0.01, h), s) << "dt = " << dt << " (lobule check's count)";
  }
  // Anisotropic voxels (2 × 2 × 5 µm), D = 100 µm²/s, no loss: λ_max = 400·0.54 = 216 1/s.
  EXPECT_EQ(rkl2_stage_count(60.0, 100.0, InvH2<double>{0.25, 0.25, 0.04}), 228);
  EXPECT_EQ(rkl2_stage_count(0.5, 100.0, InvH2<double>{0.25, 0.25, 0.04}), 21);
  EXPECT_EQ(rkl2_stage_count(60.0, 0.0, ih2, 0.01), 0);  // a species that does not diffuse
  EXPECT_EQ(rkl2_stages(60, 0, 0.01, h), 0);
}

// Vessel voxels start at their values: a box whose parenchyma is held stays at the value.
TEST(SchemeConfig, HeldLabelsStartAndStayAtTheirValues) {
  const Config c = parse_config(scenario("    vessels: { parenchyma: 0.25 }"), "s.yaml");
  Stepper<float> run(c, BackendChoice::Cpu);
  run.advance_to(600);
  const auto& f = run.fields();
  test::for_interior(f, [&](int, int, int, std::size_t q) { ASSERT_EQ(f.species[0].u[q], 0.25f); });
}

TEST(SchemeCli, CheckPrintsStagesAndCosts) {
  test::TempDir dir;
  const auto path = dir.write("s.yaml", scenario());
  const auto r = test::run_lobule({"check", path});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* want : {"scheme: rkl2", "explicit dt [s]", "stages", "cyt", "collagen",
                           "all species", "Fewer sweeps than"})
    EXPECT_NE(r.output.find(want), std::string::npos) << want << "\n" << r.output;
}

TEST(SchemeCli, ShortRunsWithEachSplitScheme) {
  for (const char* scheme : {"rkl2", "lod"}) {
    test::TempDir dir;
    const auto path =
        dir.write("s.yaml", scenario("    diffusivity_driver: { field: collagen, c_half: 2.0 }"));
    const auto r = test::run_lobule({"run", path, "-o", dir.path() + "/out", "--quiet", "--backend",
                                     "cpu", "--set", std::string("time.scheme=") + scheme});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::ifstream cfg(dir.path() + "/out/config.yaml");
    std::stringstream ss;
    ss << cfg.rdbuf();
    EXPECT_NE(ss.str().find("scheme: rkl2"), std::string::npos) << ss.str();  // lod → rkl2
    EXPECT_NE(r.output.find("60 steps"), std::string::npos) << r.output;
  }
}

TEST(SchemeCli, Rkl2WarnsWhenItClipsUndershoots) {
  // A 3-voxel pulse of a fast cytokine in one 10 min step: even 64 halvings leave undershoots.
  test::TempDir dir;
  const auto r =
      test::run_lobule({"run", test::source_path("inputs/pulse.yaml"), "-o", dir.path() + "/out",
                        "--quiet", "--backend", "cpu", "--set", "time.scheme=rkl2", "--set",
                        "time.dt=600", "--set", "time.end=600", "--set", "output.every=0"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rkl2 set negative undershoots of 'tgfb' to zero"), std::string::npos)
      << r.output;
}

// The foundation's explicit update, written out here: u + dt·(Σ_a ih2_a·(D₊(u₊ − u) − D₋(u − u₋))
// + (s − λu)) with harmonic faces. The backend must reproduce it exactly.
TEST(SchemeRegression, ExplicitIsTheFoundationFormulaBitForBit) {
  auto f = test::box_fields<float>(11, 9, 7, 5.0, 1, 60.0, Scheme::Explicit);
  auto& sp = f.species[0];
  sp.decay = 3.85e-4f;
  sp.source = 1e-3f;
  test::for_interior(f, [&](int i, int j, int k, std::size_t c) {
    sp.u[c] = 0.1f + 0.01f * float((i * 7 + j * 3 + k * 5) % 11);
    sp.D[c] = 40.0f + float((i + 2 * j + 3 * k) % 5);
  });
  const float dt = 0.05f;
  auto ref = f;
  auto backend = make_backend<float>(BackendChoice::Cpu);
  backend->upload(f);
  for (int step = 0; step < 3; ++step) {
    backend->step(step * double(dt), double(dt));
    auto& u = ref.species[0].u;
    auto D = ref.species[0].D;
    const Box& b = ref.box;
    auto halo = [&](auto& a) {  // no-flux: copy the adjacent interior voxel
      for (int k = 0; k < b.nz; ++k)
        for (int j = 0; j < b.ny; ++j)
          a[b.idx(-1, j, k)] = a[b.idx(0, j, k)], a[b.idx(b.nx, j, k)] = a[b.idx(b.nx - 1, j, k)];
      for (int k = 0; k < b.nz; ++k)
        for (int i = 0; i < b.nx; ++i)
          a[b.idx(i, -1, k)] = a[b.idx(i, 0, k)], a[b.idx(i, b.ny, k)] = a[b.idx(i, b.ny - 1, k)];
      for (int j = 0; j < b.ny; ++j)
        for (int i = 0; i < b.nx; ++i)
          a[b.idx(i, j, -1)] = a[b.idx(i, j, 0)], a[b.idx(i, j, b.nz)] = a[b.idx(i, j, b.nz - 1)];
    };
    halo(u);
    halo(D);
    auto face = [](float a, float q) { return a + q > 0.0f ? 2.0f * a * q / (a + q) : 0.0f; };
    auto next = u;
    test::for_interior(ref, [&](int, int, int, std::size_t c) {
      const std::size_t sy = b.sy(), sz = b.sz();
      const float uc = u[c], dc = D[c];
      const float fx = face(dc, D[c + 1]) * (u[c + 1] - uc) - face(dc, D[c - 1]) * (uc - u[c - 1]);
      const float fy =
          face(dc, D[c + sy]) * (u[c + sy] - uc) - face(dc, D[c - sy]) * (uc - u[c - sy]);
      const float fz =
          face(dc, D[c + sz]) * (u[c + sz] - uc) - face(dc, D[c - sz]) * (uc - u[c - sz]);
      const float div = ref.ih2.x * fx + ref.ih2.y * fy + ref.ih2.z * fz;
      next[c] = uc + dt * (div + (sp.source - sp.decay * uc));
    });
    u = next;
  }
  backend->download(f);
  test::for_interior(
      f, [&](int, int, int, std::size_t c) { ASSERT_EQ(f.species[0].u[c], ref.species[0].u[c]); });
}

// dt: auto is accurate, not only stable: a fast decay (λ = 10/s, diffusion slow) followed
// through 6.87 e-foldings ends within 5 % of e^{−6.87} (at the stability limit alone, λ·dt was
// 0.88 and the mean ended a hundred times too low).
TEST(SchemeConfig, AutoTimeStepFollowsAFastDecayAccurately) {
  test::TempDir tmp;
  const std::string cfg = tmp.write("auto.yaml", R"(name: auto
grid: { spacing: "5 um" }
geometry: { kind: box, size: ["50 um", "50 um", "50 um"] }
species:
  - { name: u, diffusivity: "1 um^2/s", decay: "10 1/s", initial: { kind: uniform, value: 1 } }
time: { end: "0.687 s", dt: auto, scheme: explicit }
backend: cpu
)");
  const Config c = load_config(cfg);
  EXPECT_LE(c.time.dt * 10, 0.01 * (1 + 1e-12));
  const auto r = test::run_lobule({"run", cfg, "-o", tmp.path() + "/out", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto rows = test::csv_rows(tmp.path() + "/out/timeseries.csv");
  ASSERT_FALSE(rows.empty());
  const double mean = rows.back().back(), exact = std::exp(-6.87);
  std::printf("[ measured ] dt auto %.4g s: mean %.4g against %.4g (%.2f %%)\n", c.time.dt, mean,
              exact, 100 * std::abs(mean / exact - 1));
  EXPECT_NEAR(mean, exact, 0.05 * exact);
}

}  // namespace
}  // namespace lobule

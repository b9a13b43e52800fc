// The geometry section of the config: defaults, resolved form, and every error users can hit
// (located by file, line and key; exit code 2 from the command line).
#include <gtest/gtest.h>

#include "host/config/config_error.hpp"
#include "support/geometry_support.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

using test::hex_config;

// The dotted key of the ConfigError that parsing `extra` raises ("" when it parses).
std::string error_key(const std::string& spacing, const std::string& extra) {
  try {
    hex_config(spacing, extra);
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("test.yaml:"), std::string::npos) << e.what();
    return e.key();
  }
  return "";
}

TEST(GeometryConfig, HexLobuleDefaults) {
  const Config c = hex_config("5 um");
  EXPECT_EQ(c.geometry.kind, "hex_lobule");
  EXPECT_DOUBLE_EQ(c.geometry.radius, 300);
  EXPECT_DOUBLE_EQ(c.geometry.height, 100);
  EXPECT_EQ(c.geometry.lobules, (std::array<int, 2>{1, 1}));
  EXPECT_DOUBLE_EQ(c.geometry.central_vein_radius, 25);
  EXPECT_DOUBLE_EQ(c.geometry.portal.tract_radius, 40);
  EXPECT_DOUBLE_EQ(c.geometry.sinusoids.width, 7);
  EXPECT_EQ(c.geometry.fibrosis.stage, 0);
  EXPECT_TRUE(c.geometry.periodic_z);
  // Grid from the hexagon's bounding box (600 x 519.6 um) and the height.
  EXPECT_EQ(c.cells, (std::array<int, 3>{120, 104, 20}));
  EXPECT_TRUE(c.warnings.empty());
}

TEST(GeometryConfig, UnitsAreConverted) {
  const Config c = hex_config(
      "0.005 mm", "radius: \"0.4 mm\", height: \"50 um\", portal: {vein_radius: \"0.02 mm\"}");
  EXPECT_DOUBLE_EQ(c.geometry.radius, 400);
  EXPECT_DOUBLE_EQ(c.geometry.portal.vein_radius, 20);
  EXPECT_EQ(c.cells[2], 10);
}

TEST(GeometryConfig, ResolvedConfigParsesBackToTheSameGeometry) {
  const Config c = hex_config(
      "5 um", "lobules: [2, 3], crop: inner, fibrosis: {stage: F3, seed: 9}, periodic_z: false");
  YAML::Emitter out;
  out << resolved_yaml(c);
  const Config again = parse_config(out.c_str(), "resolved.yaml");
  EXPECT_EQ(again.cells, c.cells);
  EXPECT_EQ(again.geometry.lobules, c.geometry.lobules);
  EXPECT_EQ(again.geometry.fibrosis.stage, 3);
  EXPECT_EQ(again.geometry.fibrosis.seed, 9u);
  EXPECT_TRUE(again.geometry.crop_inner);
  EXPECT_FALSE(again.geometry.periodic_z);
  EXPECT_EQ(resolved_yaml(c)["geometry"]["fibrosis"]["stage"].as<std::string>(), "F3");
}

TEST(GeometryConfig, PeriodicZMakesTheZFacesPeriodicUnlessNamed) {
  EXPECT_EQ(hex_config("5 um").boundaries[4].kind, BoundaryKind::Periodic);
  EXPECT_EQ(hex_config("5 um").boundaries[0].kind, BoundaryKind::NoFlux);
  EXPECT_EQ(hex_config("5 um", "periodic_z: false").boundaries[5].kind, BoundaryKind::NoFlux);
  const std::string text = test::scenario_yaml("{ kind: hex_lobule }", "5 um") +
                           "boundaries: { z_min: no_flux, z_max: no_flux }\n";
  EXPECT_EQ(parse_config(text, "t.yaml").boundaries[4].kind, BoundaryKind::NoFlux);
}

TEST(GeometryConfig, ZoneIsAnOutputFieldOfALobuleOnly) {
  const std::string fields = "output: { fields: [u, label, zone] }\n";
  EXPECT_NO_THROW(
      parse_config(test::scenario_yaml("{ kind: hex_lobule }", "5 um") + fields, "t.yaml"));
  EXPECT_THROW(parse_config(test::scenario_yaml(
                                "{ kind: box, size: [\"10 um\", \"10 um\", \"10 um\"] }", "5 um") +
                                fields,
                            "t.yaml"),
               ConfigError);
}

TEST(GeometryConfig, BadValuesNameTheirKey) {
  EXPECT_EQ(error_key("5 um", "radius: \"60 um\""), "geometry.radius");
  EXPECT_EQ(error_key("5 um", "radius: \"110 um\", fibrosis: {stage: F1}"), "geometry.radius");
  EXPECT_EQ(error_key("5 um", "radius: \"-3 um\""), "geometry.radius");
  EXPECT_EQ(error_key("5 um", "portal: {tract_radius: \"20 um\"}"), "geometry.portal.tract_radius");
  EXPECT_EQ(error_key("10 um", "height: \"100 um\""), "grid.spacing");
  EXPECT_EQ(error_key("5 um", "fibrosis: {stage: F5}"), "geometry.fibrosis.stage");
  EXPECT_EQ(error_key("5 um", "fibrosis: {stage: cirrhosis}"), "geometry.fibrosis.stage");
  EXPECT_EQ(error_key("5 um", "height: \"12 um\""), "geometry.height");
  EXPECT_EQ(error_key("5 um", "lobules: [0, 1]"), "geometry.lobules[0]");
  EXPECT_EQ(error_key("5 um", "lobules: [2]"), "geometry.lobules");
  EXPECT_EQ(error_key("5 um", "crop: outer"), "geometry.crop");
  EXPECT_EQ(error_key("5 um", "sinusoids: {branching: 1.5}"), "geometry.sinusoids.branching");
  EXPECT_EQ(error_key("5 um", "sinusoids: {seed: -1}"), "geometry.sinusoids.seed");
  EXPECT_EQ(error_key("5 um", "sinusoids: {diameter: \"7 um\"}"), "geometry.sinusoids.diameter");
  EXPECT_EQ(error_key("5 um", "septa: true"), "geometry.septa");
  EXPECT_EQ(error_key("5 um", "periodic_z: maybe"), "geometry.periodic_z");
}

TEST(GeometryConfig, CoarseSpacingIsAcceptedWithAWarningWhenAllowed) {
  const Config c = hex_config("10 um", "sinusoids: {allow_coarse: true}");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("coarser than the sinusoid width"), std::string::npos);
  // Septa thinner than two voxels are warned about too.
  const Config f = hex_config(
      "10 um", "sinusoids: {allow_coarse: true}, fibrosis: {stage: F3, septum_width: \"16 um\"}");
  ASSERT_EQ(f.warnings.size(), 2u);
  EXPECT_NE(f.warnings[1].find("septa"), std::string::npos);
}

TEST(GeometryConfig, BoxKeepsItsRules) {
  const auto box = [](const std::string& size) {
    return parse_config(test::scenario_yaml("{ kind: box, size: " + size + " }", "5 um"), "t.yaml");
  };
  EXPECT_EQ(box("[\"20 um\", \"10 um\", \"5 um\"]").cells, (std::array<int, 3>{4, 2, 1}));
  try {
    box("[\"22 um\", \"10 um\", \"5 um\"]");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "geometry.size[0]");
  }
  try {
    parse_config(test::scenario_yaml("{ kind: sphere }", "5 um"), "t.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "geometry.kind");
  }
}

// The command line answers bad geometry parameters with exit code 2 and the key.
TEST(GeometryConfig, CommandLineExitsWithCodeTwoAndTheKey) {
  test::TempDir dir;
  struct Case {
    const char* extra;
    const char* spacing;
    const char* key;
  };
  for (const Case& k : {Case{"radius: \"50 um\"", "5 um", "geometry.radius"},
                        Case{"height: \"100 um\"", "10 um", "grid.spacing"},
                        Case{"fibrosis: {stage: F7}", "5 um", "geometry.fibrosis.stage"}}) {
    const std::string file = dir.write(
        "bad.yaml",
        test::scenario_yaml(std::string("{ kind: hex_lobule, ") + k.extra + " }", k.spacing));
    for (const char* cmd : {"check", "geometry"}) {
      std::vector<std::string> args{cmd, file};
      if (std::string(cmd) == "geometry") args.insert(args.end(), {"-o", dir.path() + "/g.vti"});
      const auto r = test::run_lobule(args);
      EXPECT_EQ(r.exit_code, 2) << cmd << " " << k.extra << "\n" << r.output;
      EXPECT_NE(r.output.find(std::string("bad.yaml:")), std::string::npos) << r.output;
      EXPECT_NE(r.output.find(k.key), std::string::npos) << r.output;
    }
  }
  const std::string ok = dir.write(
      "coarse.yaml",
      test::scenario_yaml("{ kind: hex_lobule, sinusoids: { allow_coarse: true } }", "10 um"));
  const auto r = test::run_lobule({"check", ok});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: grid spacing 10 um is coarser"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace lobule

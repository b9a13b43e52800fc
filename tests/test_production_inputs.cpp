// inputs/production/ holds every liver scenario of inputs/ on the production lobule (5 µm voxels,
// 3-D, z periodic, resolved 7 µm sinusoids, volume fractions, the implicit scheme with backward
// Euler: one multigrid solve per species and step, half of TR-BDF2's, and within TR-BDF2's
// splitting-dominated error; docs/time-integration.md). A production
// file is its coarse sibling in every other key: the same biology, injury, therapy, time span,
// step and outputs, so that the two differ only in how finely they resolve the same lobule.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "host/config/config.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

namespace fs = std::filesystem;

// The keys a production file may change, as dotted paths into the document.
const std::set<std::string> kResolutionKeys = {"name",
                                               "grid.spacing",
                                               "geometry.height",
                                               "geometry.volume_fractions",
                                               "geometry.sinusoids",
                                               "time.scheme",
                                               "time.implicit"};

// The scenario names of inputs/*.yaml that run the liver model.
std::vector<std::string> liver_scenarios() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(test::source_path("inputs"))) {
    if (e.path().extension() != ".yaml") continue;
    const YAML::Node doc = YAML::LoadFile(e.path().string());
    if (doc["model"] && doc["model"]["name"] &&
        doc["model"]["name"].as<std::string>() == "liver_fibrosis")
      names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The document without the resolution keys, emitted in one canonical form.
std::string without_resolution(YAML::Node doc, const std::string& prefix = "") {
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& kv : doc) {
    const std::string key = prefix + kv.first.as<std::string>();
    if (kResolutionKeys.count(key)) continue;
    if (kv.second.IsMap())
      out[kv.first.as<std::string>()] = YAML::Load(without_resolution(kv.second, key + "."));
    else
      out[kv.first.as<std::string>()] = kv.second;
  }
  YAML::Emitter e;
  e << YAML::Flow << out;
  return e.c_str();
}

TEST(ProductionInputs, EveryLiverScenarioHasAProductionTwin) {
  const auto names = liver_scenarios();
  ASSERT_GE(names.size(), 9u) << "the shipped liver scenarios were not found";
  for (const auto& n : names)
    EXPECT_TRUE(fs::exists(test::source_path("inputs/production/" + n + ".yaml")))
        << "inputs/" << n << ".yaml has no inputs/production/" << n << ".yaml";
  for (const auto& e : fs::directory_iterator(test::source_path("inputs/production")))
    EXPECT_TRUE(std::count(names.begin(), names.end(), e.path().stem().string()))
        << e.path() << " has no coarse sibling in inputs/";
}

TEST(ProductionInputs, DifferFromTheirCoarseSiblingOnlyInResolution) {
  for (const auto& n : liver_scenarios()) {
    const auto coarse = YAML::LoadFile(test::source_path("inputs/" + n + ".yaml"));
    const auto fine = YAML::LoadFile(test::source_path("inputs/production/" + n + ".yaml"));
    EXPECT_EQ(without_resolution(fine), without_resolution(coarse)) << n;
    EXPECT_EQ(fine["name"].as<std::string>(), n + "_production") << n;
  }
}

TEST(ProductionInputs, ResolveToTheProductionLobule) {
  for (const auto& n : liver_scenarios()) {
    const Config c = load_config(test::source_path("inputs/production/" + n + ".yaml"));
    for (int a = 0; a < 3; ++a) EXPECT_DOUBLE_EQ(c.spacing[a], 5.0) << n;
    EXPECT_EQ(c.geometry.kind, "hex_lobule") << n;
    EXPECT_DOUBLE_EQ(c.geometry.radius, 300.0) << n;
    EXPECT_DOUBLE_EQ(c.geometry.sinusoids.width, 7.0) << n;
    EXPECT_DOUBLE_EQ(c.geometry.sinusoids.plate_thickness, 25.0) << n;
    EXPECT_FALSE(c.geometry.sinusoids.allow_coarse) << n << ": sinusoids must be resolved";
    EXPECT_TRUE(c.geometry.volume_fractions) << n;
    EXPECT_TRUE(c.geometry.periodic_z) << n;
    EXPECT_GE(c.geometry.height, 50.0) << n;
    EXPECT_EQ(c.cells[0], 120) << n;
    EXPECT_EQ(c.cells[1], 104) << n;
    EXPECT_EQ(c.cells[2], int(std::lround(c.geometry.height / 5.0))) << n;
    EXPECT_EQ(c.time.scheme, Scheme::Implicit) << n;
    EXPECT_EQ(c.time.implicit.method, ImplicitMethod::BackwardEuler) << n;
  }
}

// `lobule check` accepts each file as a user would give it, and recommends the scheme it sets.
TEST(ProductionInputs, PassTheCheckWithTheirSchemeRecommended) {
  for (const auto& n : liver_scenarios()) {
    const auto r =
        test::run_lobule({"check", test::source_path("inputs/production/" + n + ".yaml")});
    EXPECT_EQ(r.exit_code, 0) << n << ": " << r.output;
    EXPECT_NE(r.output.find("recommended for this scenario: scheme implicit"), std::string::npos)
        << n << ": " << r.output;
  }
}

}  // namespace
}  // namespace lobule

// Bad configs are refused by `lobule check` and `lobule run` with exit code 2 and a message
// naming the file, the line and the key.
#include <gtest/gtest.h>

#include <regex>
#include <utility>
#include <vector>

#include "host/config/config.hpp"
#include "host/config/config_error.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

using test::run_lobule;
using test::TempDir;

// A valid scenario; each case below breaks one line of it.
const char* kGood = R"(name: good
grid: { spacing: "5 um" }
geometry: { kind: box, size: ["50 um", "50 um", "50 um"] }
species:
  - name: u
    diffusivity: "100 um^2/s"
    decay: "0.1 1/min"
    initial: { kind: uniform, value: 1.0 }
time: { end: "1 s", dt: "0.01 s", scheme: explicit }
output: { every: "0.5 s" }
)";

struct BadCase {
  const char* label;
  std::string from, to;  // replace `from` in kGood by `to`
  std::string key;       // the key the message must name
  int line;              // the line it must name (0: not checked)
};

// Names a case by its label in test output (instead of a byte dump).
void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.label;
}

std::string replaced(const BadCase& c) {
  std::string s = kGood;
  const auto p = s.find(c.from);
  EXPECT_NE(p, std::string::npos) << c.label;
  return s.replace(p, c.from.size(), c.to);
}

class ConfigErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigErrors, CheckExitsWith2AndNamesKeyAndLine) {
  const BadCase& c = GetParam();
  TempDir dir;
  const std::string file = dir.write("bad.yaml", replaced(c));
  const auto r = run_lobule({"check", file});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(c.key), std::string::npos) << "key " << c.key << " in: " << r.output;
  if (c.line > 0) {
    EXPECT_NE(r.output.find("bad.yaml:" + std::to_string(c.line) + ":"), std::string::npos)
        << "line " << c.line << " in: " << r.output;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfigErrors,
    ::testing::Values(
        BadCase{"unknown_top_key", "name: good", "name: good\ncolour: red", "colour", 2},
        BadCase{"unknown_nested_key", "scheme: explicit", "scheme: explicit, dtt: 1", "time.dtt",
                9},
        BadCase{"unknown_unit", "\"5 um\"", "\"5 furlongs\"", "grid.spacing", 2},
        BadCase{"wrong_dimension", "\"100 um^2/s\"", "\"100 um/s\"", "species[0].diffusivity", 6},
        BadCase{"wrong_type", "end: \"1 s\"", "end: [1, 2]", "time.end", 9},
        BadCase{"negative_spacing", "\"5 um\" }", "\"-5 um\" }", "grid.spacing", 2},
        BadCase{"negative_concentration", "value: 1.0", "value: -1.0", "initial.value", 8},
        BadCase{"negative_diffusivity", "\"100 um^2/s\"", "\"-1 um^2/s\"", "diffusivity", 6},
        BadCase{"duplicate_species", "initial: { kind: uniform, value: 1.0 }",
                "initial: { kind: uniform, value: 1.0 }\n  - { name: u, diffusivity: 1 }",
                "species[1].name", 9},
        BadCase{"dt_above_stability_limit", "dt: \"0.01 s\"", "dt: \"0.05 s\"", "time.dt", 9},
        BadCase{"unknown_scheme", "scheme: explicit", "scheme: magic", "time.scheme", 9},
        BadCase{"size_not_multiple", "[\"50 um\", \"50 um\"", "[\"52 um\", \"50 um\"",
                "geometry.size[0]", 3},
        BadCase{"unpaired_periodic",
                "output:", "boundaries: { x_min: periodic }\noutput:", "boundaries.x_max", 10},
        BadCase{"unknown_output_field", "every: \"0.5 s\"", "every: \"0.5 s\", fields: [w]",
                "output.fields[0]", 10},
        BadCase{"missing_section", "time: { end: \"1 s\", dt: \"0.01 s\", scheme: explicit }", "",
                "time", 0},
        BadCase{"missing_initial_file", "{ kind: uniform, value: 1.0 }",
                "{ kind: file, path: nowhere.vti, array: u }", "initial.path", 8},
        BadCase{"malformed_yaml", "species:", "species: [", "YAML syntax error", 0},
        BadCase{"repeated_top_key", "output: {", "time: { end: \"2 s\" }\noutput: {",
                "given twice (first at line 9)", 10},
        BadCase{"repeated_nested_key", "value: 1.0 }", "value: 1.0, value: 2.0 }",
                "species[0].initial.value", 8},
        BadCase{"second_document", "output: { every: \"0.5 s\" }\n",
                "output: { every: \"0.5 s\" }\n---\nname: other\n", "second YAML document", 11},
        BadCase{"float_overflow", "value: 1.0", "value: 1e39", "beyond float range", 8},
        BadCase{"too_many_outputs", "every: \"0.5 s\"", "every: \"1e-9 s\"", "output.every", 10},
        BadCase{"empty_output_fields", "every: \"0.5 s\"", "every: \"0.5 s\", fields: []",
                "output.fields", 10}),
    [](const auto& info) { return std::string(info.param.label); });

// Document markers that start or end the one document are fine; a second document is not,
// and neither is content after the end marker.
TEST(ConfigErrors, OneDocumentPerFile) {
  const std::string good = kGood;
  EXPECT_EQ(test::config_error_of("---\n" + good), "");
  EXPECT_EQ(test::config_error_of("# comment\n--- # start\n" + good + "...\n"), "");
  EXPECT_NE(test::config_error_of(good + "...\nname: again\n").find("s.yaml:12"),
            std::string::npos);
  EXPECT_NE(test::config_error_of("---\n" + good + "--- {}\n").find("second YAML document"),
            std::string::npos);
}

// A value beyond float range runs in double; a seed beyond 64 bits is an error, not a clamp.
TEST(ConfigErrors, RangesAreCheckedNotClamped) {
  std::string big = kGood;
  big.replace(big.find("value: 1.0"), 10, "value: 1e39");
  EXPECT_NE(test::config_error_of(big).find("species[0].initial"), std::string::npos);
  EXPECT_EQ(test::config_error_of(big + "precision: double\n"), "");
  const std::string seed = test::config_error_of(
      "name: s\ngrid: { spacing: \"5 um\" }\ngeometry: { kind: hex_lobule, radius: \"100 um\", "
      "height: \"20 um\", sinusoids: { seed: 99999999999999999999, allow_coarse: true } }\n"
      "species: [ { name: u, diffusivity: 1 } ]\ntime: { end: \"1 s\", dt: auto }\n");
  EXPECT_NE(seed.find("beyond the 64-bit integer range"), std::string::npos) << seed;
}

// Misleading messages of careless use, and a huge --set value shown once, shortened.
TEST(ConfigErrors, CarelessCommandLinesGetClearMessages) {
  TempDir dir;
  const auto folder = run_lobule({"check", dir.path()});
  EXPECT_EQ(folder.exit_code, 2) << folder.output;
  EXPECT_NE(folder.output.find("is a directory"), std::string::npos) << folder.output;
  const auto unknown = run_lobule({"frobnicate", "x.yaml"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("unknown command 'frobnicate'"), std::string::npos)
      << unknown.output;
  const std::string huge(100000, 'a');
  const auto big = run_lobule({"check", dir.write("good.yaml", kGood), "--set", "name=" + huge});
  EXPECT_EQ(big.exit_code, 2) << big.output.substr(0, 300);
  EXPECT_NE(big.output.find("at most 200"), std::string::npos) << big.output.substr(0, 300);
  EXPECT_LT(big.output.size(), 400u) << "the value is echoed shortened";
}

TEST(ConfigErrors, RunAlsoRefusesWithExitCode2) {
  TempDir dir;
  std::string bad = kGood;
  bad.replace(bad.find("dt: \"0.01 s\""), 12, "dt: \"1 s\"");
  const auto r = run_lobule({"run", dir.write("bad.yaml", bad), "-o", dir.path() + "/out"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("time.dt"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("stability limit"), std::string::npos) << r.output;
}

TEST(ConfigErrors, MissingFileAndBadCommandLine) {
  EXPECT_EQ(run_lobule({"check", "/nonexistent/x.yaml"}).exit_code, 2);
  EXPECT_EQ(run_lobule({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_lobule({"run"}).exit_code, 2);
  EXPECT_EQ(
      run_lobule({"run", test::source_path("inputs/demo.yaml"), "--backend", "gpu"}).exit_code, 2);
}

TEST(ConfigErrors, SetOverridesAreValidatedAndNamed) {
  TempDir dir;
  const std::string file = dir.write("good.yaml", kGood);
  auto r = run_lobule({"check", file, "--set", "time.dt=5 s"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--set time.dt=5 s"), std::string::npos) << r.output;
  r = run_lobule({"check", file, "--set", "species.w.decay=1"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = run_lobule({"check", file, "--set", "nokey"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  // A malformed key path is refused, never read as some other key (an unclosed bracket used to
  // set species[0].decay, and "a..b" meant a.b).
  for (const auto& [set, why] : std::vector<std::pair<std::string, std::string>>{
           {"species[0.decay=1", "'[' is never closed"},
           {"time..dt=1", "a key is missing"},
           {"time.dt.=1", "a key is missing"},
           {"species[0]].decay=1", "']' without '['"},
           {"species[].decay=1", "expected [index] or [name]"}}) {
    r = run_lobule({"check", file, "--set", set});
    EXPECT_EQ(r.exit_code, 2) << set << ": " << r.output;
    EXPECT_NE(r.output.find("the key path"), std::string::npos) << set << ": " << r.output;
    EXPECT_NE(r.output.find(why), std::string::npos) << set << ": " << r.output;
  }
}

// A YAML alias is the anchored node itself: a --set that reaches it by one path changes that use
// alone (it changed every use: two species' initial values, two therapy doses' times).
TEST(ConfigErrors, SetChangesOneUseOfAnAliasedNode) {
  const std::string yaml = R"(name: alias
grid: { spacing: "10 um" }
geometry: { kind: box, size: ["40 um", "40 um", "40 um"] }
species:
  - { name: u, diffusivity: "10 um^2/s", initial: &ic { kind: uniform, value: 0.1 } }
  - { name: v, diffusivity: "10 um^2/s", initial: *ic }
  - { name: w, diffusivity: &d "20 um^2/s", initial: *ic }
  - { name: x, diffusivity: *d }
time: { end: "1 s", dt: "0.1 s" }
)";
  const Config plain = parse_config(yaml, "alias.yaml");
  EXPECT_EQ(plain.species[1].initial.value, 0.1);
  const Config c = parse_config(
      yaml, "alias.yaml", {"species.v.initial.value=0.5", "species[3].diffusivity=30 um^2/s"});
  EXPECT_EQ(c.species[0].initial.value, 0.1);
  EXPECT_EQ(c.species[1].initial.value, 0.5);
  EXPECT_EQ(c.species[2].initial.value, 0.1);
  EXPECT_EQ(c.species[2].diffusivity, 20.0);
  EXPECT_EQ(c.species[3].diffusivity, 30.0);
}

// Values echoed in a message are made printable: control characters as \xNN (a NUL cut the
// message short, an escape sequence could rewrite the terminal), a 100 kB value shortened.
TEST(ConfigErrors, EchoedValuesArePrintableAndShort) {
  TempDir dir;
  std::string yaml = kGood;
  yaml += "backend: \"" + std::string(100000, 'a') + "\"\n";
  auto r = run_lobule({"check", dir.write("long.yaml", yaml)});
  EXPECT_EQ(r.exit_code, 2) << r.output.substr(0, 500);
  EXPECT_LT(r.output.size(), 1000u) << r.output.substr(0, 500);
  EXPECT_NE(r.output.find("characters)..."), std::string::npos) << r.output.substr(0, 500);
  EXPECT_NE(r.output.find("is not one of"), std::string::npos) << r.output.substr(0, 500);
  r = run_lobule(
      {"check", dir.write("good.yaml", kGood), "--set", std::string("backend=\"cp\\0u\\e[31m\"")});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("cp\\x00u\\x1b[31m"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("is not one of"), std::string::npos) << r.output;
}

TEST(ConfigErrors, BackendCudaWithoutAGpuIsAClearError) {
  if (test::have_gpu()) GTEST_SKIP() << "a GPU is visible";
  TempDir dir;
  const auto r = run_lobule(
      {"run", dir.write("good.yaml", kGood), "--backend", "cuda", "-o", dir.path() + "/out"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("backend cuda"), std::string::npos) << r.output;
}

// In-process: overrides by name, by index and of whole lists; the resolved YAML reloads to
// the same config.
TEST(ConfigOverrides, ApplyByNameIndexAndList) {
  const Config c = parse_config(kGood, "good.yaml",
                                {"species.u.diffusivity=50 um^2/s", "species[0].decay=0",
                                 "grid.spacing=[5, 5, 10]", "time.dt=auto", "precision=double"});
  EXPECT_DOUBLE_EQ(c.species[0].diffusivity, 50);
  EXPECT_DOUBLE_EQ(c.species[0].decay, 0);
  EXPECT_EQ(c.cells[2], 5);
  EXPECT_TRUE(c.time.dt_auto);
  EXPECT_EQ(c.precision, Precision::Double);
  // dt: auto is 0.9 of the limit h²/(2·D·Σ1/h²)-based bound for these spacings.
  const double limit = 2 / (4 * 50 * (1 / 25.0 + 1 / 25.0 + 1 / 100.0));
  EXPECT_NEAR(c.time.dt, 0.9 * limit, 1e-12);
}

TEST(ConfigOverrides, ResolvedYamlReloadsToTheSameConfig) {
  const Config a = parse_config(kGood, "good.yaml");
  YAML::Emitter out;
  out << resolved_yaml(a);
  const Config b = parse_config(out.c_str(), "resolved.yaml");
  EXPECT_EQ(b.cells, a.cells);
  EXPECT_DOUBLE_EQ(b.species[0].diffusivity, a.species[0].diffusivity);
  EXPECT_DOUBLE_EQ(b.species[0].decay, a.species[0].decay);
  EXPECT_DOUBLE_EQ(b.time.dt, a.time.dt);
  EXPECT_DOUBLE_EQ(b.output.every, a.output.every);
}

}  // namespace
}  // namespace lobule

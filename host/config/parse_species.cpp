// The species list: diffusivity, decay (or half-life), source, initial condition.
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <set>

#include "parse_sections.hpp"

namespace lobule {
namespace {

double non_negative(const ConfigNode& n, Dim d, const char* what) {
  const double v = n.quantity(d);
  if (v < 0) n.fail(fmt::format("{} must not be negative, got {}", what, format_quantity(v, d)));
  return v;
}

InitialCondition parse_initial(const ConfigNode& n, const Config& c) {
  InitialCondition ic;
  if (!n.defined()) return ic;  // uniform zero
  n.expect_map();
  const std::string kind = n["kind"].choice({"uniform", "gaussian", "cosine", "file"});
  if (kind == "uniform") {
    n.expect_keys({"kind", "value"});
    ic.kind = InitialKind::Uniform;
    ic.value = non_negative(n["value"], dims::kNone, "a concentration");
  } else if (kind == "gaussian") {
    n.expect_keys({"kind", "center", "sigma", "peak", "background"});
    ic.kind = InitialKind::Gaussian;
    ic.center = n["center"].vec3(dims::kLength);
    ic.sigma = n["sigma"].quantity(dims::kLength);
    if (!(ic.sigma > 0)) n["sigma"].fail("sigma must be positive");
    ic.peak = non_negative(n["peak"], dims::kNone, "the peak");
    if (n.has("background"))
      ic.background = non_negative(n["background"], dims::kNone, "background");
  } else if (kind == "cosine") {
    n.expect_keys({"kind", "axis", "modes", "amplitude", "offset"});
    ic.kind = InitialKind::Cosine;
    const std::string axis = n.has("axis") ? n["axis"].choice({"x", "y", "z"}) : "x";
    ic.axis = axis[0] - 'x';
    if (n.has("modes")) {
      const long long m = n["modes"].integer();
      if (m < 0 || m > 1000000) n["modes"].fail("modes must be a non-negative integer");
      ic.modes = int(m);
    }
    ic.amplitude = n["amplitude"].quantity(dims::kNone);
    ic.offset = n.has("offset") ? n["offset"].quantity(dims::kNone) : 0.0;
    if (ic.offset - std::abs(ic.amplitude) < 0)
      n["offset"].fail(fmt::format("offset {} < |amplitude| {} would give negative concentrations",
                                   ic.offset, std::abs(ic.amplitude)));
  } else {
    n.expect_keys({"kind", "path", "array"});
    ic.kind = InitialKind::File;
    namespace fs = std::filesystem;
    fs::path p = n["path"].str();
    if (p.is_relative()) p = fs::path(c.file).parent_path() / p;
    ic.path = p.lexically_normal().string();
    ic.array = n["array"].str();
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) n["path"].fail(fmt::format("no such file: {}", ic.path));
  }
  return ic;
}

bool valid_identifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char ch : s)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
  return true;
}

}  // namespace

void parse_species(const ConfigNode& list, Config& c) {
  if (!list.defined()) list.fail("missing section: at least one species is needed");
  if (!list.is_sequence() || list.size() == 0)
    list.fail("expected a non-empty list of species (- name: ...)");
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const ConfigNode n = list.at(i);
    n.expect_keys({"name", "diffusivity", "decay", "half_life", "source", "initial"});
    SpeciesConfig s;
    s.name = n["name"].str();
    if (!valid_identifier(s.name))
      n["name"].fail(fmt::format("'{}' is not a valid name (letters, digits, '_')", s.name));
    if (s.name == "label" || s.name == "zone")
      n["name"].fail(fmt::format("'{}' is reserved for the geometry arrays", s.name));
    if (!names.insert(s.name).second)
      n["name"].fail(fmt::format("duplicate species name '{}'", s.name));
    s.diffusivity = non_negative(n["diffusivity"], dims::kDiffusivity, "the diffusivity");
    if (n.has("decay") && n.has("half_life"))
      n["half_life"].fail("give either decay or half_life, not both");
    if (n.has("decay")) s.decay = non_negative(n["decay"], dims::kRate, "the decay rate");
    if (n.has("half_life")) {
      const double t = n["half_life"].quantity(dims::kTime);
      if (!(t > 0)) n["half_life"].fail("the half-life must be positive");
      s.decay = std::log(2.0) / t;  // λ = ln 2 / t½
    }
    if (n.has("source")) s.source = non_negative(n["source"], dims::kRate, "the source");
    s.initial = parse_initial(n["initial"], c);
    c.species.push_back(s);
  }
}

}  // namespace lobule

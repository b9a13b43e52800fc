// The species list: diffusivity, decay (or half-life), source, initial condition, variable
// diffusivity and vessel (interior Dirichlet) values.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <set>

#include "geometry/vti_layout.hpp"
#include "label_names.hpp"
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
    p = fs::absolute(p);  // stored so: a restart from another folder finds it
    ic.path = p.lexically_normal().string();
    ic.array = n["array"].str();
    if (!c.start_replaced)  // a restart never reads it: a file deleted since may not block one
      if (const std::string why = input_file_problem(ic.path); !why.empty()) n["path"].fail(why);
  }
  return ic;
}

// vessels: { central_vein: 0.0, portal_vein: 1.0 } — values held in those labels' voxels.
std::vector<VesselValue> parse_vessels(const ConfigNode& n) {
  std::vector<VesselValue> out;
  if (!n.defined()) return out;
  if (!n.is_map()) n.fail("expected a map of label names to values, e.g. { central_vein: 0.0 }");
  for (const auto& kv : n.yaml()) {
    const std::string name = kv.first.as<std::string>();
    const int label = label_by_name(name);
    if (label < 0)
      n[name].fail(fmt::format("unknown label '{}' (one of: {})", name, label_names_list()));
    const double v = n[name].quantity(dims::kNone);
    if (v < 0) n[name].fail("a vessel value must not be negative");
    out.push_back({label, v});
  }
  return out;
}

// diffusivity_driver: { field: NAME | [NAMES], c_half: X }; names are resolved later.
DiffusivityDriver parse_driver(const ConfigNode& n) {
  DiffusivityDriver d;
  if (!n.defined()) return d;
  n.expect_keys({"field", "c_half"});
  const ConfigNode f = n["field"];
  if (!f.defined()) f.fail("missing: the field (species) whose concentration hinders diffusion");
  if (f.is_sequence()) {
    for (std::size_t i = 0; i < f.size(); ++i) d.fields.push_back(f.at(i).str());
  } else {
    d.fields.push_back(f.str());
  }
  if (d.fields.empty() || d.fields.size() > 4) f.fail("expected 1 to 4 field names");
  d.c_half = n["c_half"].quantity(dims::kNone);
  if (!(d.c_half > 0)) n["c_half"].fail("c_half must be positive");
  return d;
}

void resolve_drivers(const ConfigNode& list, Config& c) {
  for (std::size_t i = 0; i < c.species.size(); ++i) {
    DiffusivityDriver& d = c.species[i].driver;
    for (std::size_t k = 0; k < d.fields.size(); ++k) {
      const auto it = std::find_if(c.species.begin(), c.species.end(),
                                   [&](const SpeciesConfig& s) { return s.name == d.fields[k]; });
      if (it == c.species.end()) {
        const ConfigNode f = list.at(i)["diffusivity_driver"]["field"];
        (f.is_sequence() ? f.at(k) : f).fail(fmt::format("no species named '{}'", d.fields[k]));
      }
      d.field_index.push_back(int(it - c.species.begin()));
    }
  }
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
  if (list.size() > std::size_t(kMaxSpecies))
    list.fail(fmt::format("{} species: at most {} are supported", list.size(), kMaxSpecies));
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const ConfigNode n = list.at(i);
    n.expect_keys({"name", "diffusivity", "decay", "half_life", "source", "initial",
                   "diffusivity_driver", "vessels"});
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
    s.driver = parse_driver(n["diffusivity_driver"]);
    s.vessels = parse_vessels(n["vessels"]);
    c.species.push_back(s);
  }
  resolve_drivers(list, c);
}

}  // namespace lobule

// Sections boundaries, time and output.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "parse_sections.hpp"
#include "stability.hpp"

namespace lobule {
namespace {

// One face: "no_flux" | "periodic" | { dirichlet: V } | { dirichlet: { species: V, ... } }.
FaceBoundary parse_face(const ConfigNode& n, const Config& c) {
  FaceBoundary fb;
  fb.value.assign(c.species.size(), 0.0);
  if (n.is_scalar()) {
    const std::string k = n.choice({"no_flux", "periodic", "dirichlet"});
    if (k == "dirichlet") n.fail("a Dirichlet face needs its value: { dirichlet: V }");
    fb.kind = k == "periodic" ? BoundaryKind::Periodic : BoundaryKind::NoFlux;
    return fb;
  }
  n.expect_keys({"dirichlet"});
  fb.kind = BoundaryKind::Dirichlet;
  const ConfigNode v = n["dirichlet"];
  auto read = [](const ConfigNode& x) {
    const double val = x.quantity(dims::kNone);
    if (val < 0) x.fail("a Dirichlet value must not be negative");
    return val;
  };
  if (v.is_map()) {
    for (const auto& kv : v.yaml()) {
      if (!kv.first.IsScalar()) v.fail("expected species names as keys");
      const std::string name = kv.first.Scalar();
      auto it = std::find_if(c.species.begin(), c.species.end(),
                             [&](const SpeciesConfig& s) { return s.name == name; });
      if (it == c.species.end()) v[name].fail(fmt::format("no species named '{}'", name));
      fb.value[std::size_t(it - c.species.begin())] = read(v[name]);
    }
  } else {
    std::fill(fb.value.begin(), fb.value.end(), read(v));
  }
  return fb;
}

// The implicit solver's default tolerance in float: a residual much below the field's size times
// float's rounding (1.2e-7) cannot be reached reliably when the operator's diagonal is 10⁴ times
// its smallest eigenvalue (dt = 1 h at 5 µm); and 1e-4 moved no column of ccl4_4wk's
// timeseries.csv by more than 4.3e-5 (relative) from the solves at 1e-6 over its 56 days.
constexpr double kFloatTolerance = 1e-4;

// time.implicit: { method: tr_bdf2 | backward_euler, tolerance: X, max_iterations: N }.
void parse_implicit(const ConfigNode& n, Config& c) {
  n.expect_keys({"method", "tolerance", "max_iterations"});
  ImplicitControl& k = c.time.implicit;
  if (c.precision == Precision::Float) k.solver.tolerance = kFloatTolerance;
  if (n.has("method"))
    k.method = n["method"].choice({"tr_bdf2", "backward_euler"}) == "tr_bdf2"
                   ? ImplicitMethod::TrBdf2
                   : ImplicitMethod::BackwardEuler;
  if (n.has("tolerance")) {
    k.solver.tolerance = n["tolerance"].quantity(dims::kNone);
    if (!(k.solver.tolerance > 0 && k.solver.tolerance < 1))
      n["tolerance"].fail("the relative residual tolerance must lie between 0 and 1 (e.g. 1e-6)");
  }
  if (n.has("max_iterations")) {
    const double m = n["max_iterations"].quantity(dims::kNone);
    if (!(m >= 1 && m <= 1000 && m == std::floor(m)))
      n["max_iterations"].fail("expected a whole number of iterations from 1 to 1000");
    k.solver.max_iterations = int(m);
  }
}

}  // namespace

void parse_boundaries(const ConfigNode& node, Config& c) {
  FaceBoundary def;
  def.value.assign(c.species.size(), 0.0);
  if (node.defined()) {
    node.expect_keys({"default", "x_min", "x_max", "y_min", "y_max", "z_min", "z_max"});
    if (node.has("default")) def = parse_face(node["default"], c);
  }
  for (int f = 0; f < kFaces; ++f)
    c.boundaries[f] =
        node.defined() && node.has(face_name(f)) ? parse_face(node[face_name(f)], c) : def;
  // A lobule generated periodic in z is periodic there unless z_min/z_max say otherwise.
  const bool z_named = node.defined() && (node.has("z_min") || node.has("z_max"));
  if (c.geometry.kind == "hex_lobule" && c.geometry.periodic_z && !z_named)
    c.boundaries[4].kind = c.boundaries[5].kind = BoundaryKind::Periodic;
  for (int a = 0; a < 3; ++a) {
    const bool lo = c.boundaries[2 * a].kind == BoundaryKind::Periodic;
    const bool hi = c.boundaries[2 * a + 1].kind == BoundaryKind::Periodic;
    if (lo != hi)
      node[face_name(lo ? 2 * a + 1 : 2 * a)].fail(
          fmt::format("periodic boundaries come in pairs: set both {} and {} to periodic",
                      face_name(2 * a), face_name(2 * a + 1)));
  }
}

void parse_time(const ConfigNode& n, Config& c) {
  if (!n.defined()) n.fail("missing section (e.g. time: { end: \"10 s\", dt: \"0.01 s\" })");
  n.expect_keys({"end", "dt", "scheme", "implicit"});
  c.time.end = n["end"].quantity(dims::kTime);
  if (!(c.time.end > 0)) n["end"].fail("the end time must be positive");
  if (n.has("scheme")) {
    const std::string s = n["scheme"].choice({"explicit", "rkl2", "implicit", "lod"});
    c.time.scheme = s == "explicit"   ? Scheme::Explicit
                    : s == "implicit" ? Scheme::Implicit
                                      : Scheme::Rkl2;
    if (s == "lod")
      c.warnings.push_back(fmt::format(
          "{}: time.scheme lod was replaced by rkl2, which this run uses: LOD's line sweeps "
          "missed vessel-fed steady states by 15-80% at dt = 1-5 min (docs/time-integration.md)",
          n["scheme"].where()));
  }
  const bool is_explicit = c.time.scheme == Scheme::Explicit;
  if (n.has("implicit")) {
    if (c.time.scheme != Scheme::Implicit)
      n["implicit"].fail("time.implicit sets the implicit scheme's solver: add scheme: implicit");
    parse_implicit(n["implicit"], c);
  } else if (c.precision == Precision::Float) {
    c.time.implicit.solver.tolerance = kFloatTolerance;
  }

  // The explicit limit over all species: dt ≤ 2/(4·D·Σ1/h² + λ).
  double limit = INFINITY;
  for (const auto& s : c.species)
    limit = std::min(limit, explicit_dt_limit(s.diffusivity, s.decay, c.spacing));

  if (!n.has("dt") || n["dt"].str() == "auto") {
    if (!is_explicit)
      n["dt"].fail(fmt::format(
          "dt: auto picks the explicit stability limit; with scheme {} set dt from the biology "
          "(e.g. dt: \"1 min\"); `lobule check` prints the cost per step of each scheme",
          to_string(c.time.scheme)));
    c.time.dt_auto = true;
    c.time.dt = std::isfinite(limit) ? std::min(0.9 * limit, c.time.end) : c.time.end;
    // Accurate, not only stable: forward Euler multiplies a decaying field by 1 − λ·dt per step
    // where e^{−λ·dt} is right, a relative error of about λ·dt/2 per e-folding of the decay
    // (at λ·dt = 0.88 a field that should fall to e^{−6.87} fell a hundred times further).
    // λ·dt ≤ 0.01 keeps it to 0.5 % per e-folding.
    double lambda_max = 0;
    for (const auto& s : c.species) lambda_max = std::max(lambda_max, s.decay);
    if (lambda_max > 0) c.time.dt = std::min(c.time.dt, 0.01 / lambda_max);
    return;
  }
  c.time.dt = n["dt"].quantity(dims::kTime);
  if (!(c.time.dt > 0)) n["dt"].fail("the time step must be positive");
  if (c.time.dt > c.time.end) n["dt"].fail("the time step is longer than the run (time.end)");
  if (is_explicit && c.time.dt > limit * (1 + 1e-12))
    n["dt"].fail(fmt::format(
        "dt = {:g} s exceeds the explicit stability limit {:g} s, 1/(2*D*sum(1/h^2) + decay), "
        "beyond which forward Euler turns values negative (h^2/(6*D_max) for cubic voxels "
        "without decay); use a smaller dt, dt: auto, or scheme implicit or rkl2 for long steps",
        c.time.dt, limit));
}

void parse_output(const ConfigNode& n, Config& c) {
  c.output.every = c.time.end / 10;
  if (!n.defined()) return;
  n.expect_keys({"every", "fields", "compression", "background"});
  if (n.has("every")) {
    c.output.every = n["every"].quantity(dims::kTime);
    if (c.output.every < 0) n["every"].fail("must not be negative (0 writes start and end only)");
  }
  if (n.has("compression"))
    c.output.compression = n["compression"].choice({"none", "zlib", "lz4", "lzma"});
  if (n.has("background")) c.output.background = n["background"].choice({"auto", "on", "off"});
  if (!n.has("fields")) return;
  const ConfigNode f = n["fields"];
  if (f.is_scalar()) {
    f.choice({"all"});
    return;
  }
  if (!f.is_sequence()) f.fail("expected 'all' or a list of field names");
  if (f.size() == 0)
    f.fail(
        "an empty list would write no field arrays: name the fields (e.g. [u, label]) or "
        "give all");
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::string name = f.at(i).str();
    const bool known = name == "label" || (name == "zone" && c.geometry.kind != "box") ||
                       std::any_of(c.species.begin(), c.species.end(),
                                   [&](const SpeciesConfig& s) { return s.name == name; });
    if (!known) f.at(i).fail(fmt::format("no field named '{}'", name));
    c.output.fields.push_back(name);
  }
}

}  // namespace lobule

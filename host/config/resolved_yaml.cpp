// The resolved config in canonical units (µm, s), as `lobule check` prints it and runs save it.
#include <fmt/format.h>
#include "host/model/model.hpp"

#include "config.hpp"
#include "host/model/model.hpp"
#include "label_names.hpp"
#include "parse_sections.hpp"
#include "units.hpp"

namespace lobule {
namespace {

YAML::Node q(double v, Dim d) {
  return YAML::Node(format_quantity(v, d));
}

YAML::Node vec(const std::array<double, 3>& v, Dim d) {
  YAML::Node n(YAML::NodeType::Sequence);
  for (double x : v) n.push_back(format_quantity(x, d));
  n.SetStyle(YAML::EmitterStyle::Flow);
  return n;
}

YAML::Node initial_yaml(const InitialCondition& ic) {
  YAML::Node n;
  switch (ic.kind) {
    case InitialKind::Uniform:
      n["kind"] = "uniform";
      n["value"] = ic.value;
      break;
    case InitialKind::Gaussian:
      n["kind"] = "gaussian";
      n["center"] = vec(ic.center, dims::kLength);
      n["sigma"] = q(ic.sigma, dims::kLength);
      n["peak"] = ic.peak;
      n["background"] = ic.background;
      break;
    case InitialKind::Cosine:
      n["kind"] = "cosine";
      n["axis"] = std::string(1, char('x' + ic.axis));
      n["modes"] = ic.modes;
      n["amplitude"] = ic.amplitude;
      n["offset"] = ic.offset;
      break;
    case InitialKind::File:
      n["kind"] = "file";
      n["path"] = ic.path;
      n["array"] = ic.array;
      break;
  }
  n.SetStyle(YAML::EmitterStyle::Flow);
  return n;
}

YAML::Node face_yaml(const FaceBoundary& fb, const Config& c) {
  if (fb.kind == BoundaryKind::NoFlux) return YAML::Node("no_flux");
  if (fb.kind == BoundaryKind::Periodic) return YAML::Node("periodic");
  YAML::Node values;
  for (std::size_t s = 0; s < c.species.size(); ++s) values[c.species[s].name] = fb.value[s];
  YAML::Node n;
  n["dirichlet"] = values;
  n.SetStyle(YAML::EmitterStyle::Flow);
  return n;
}

}  // namespace

YAML::Node resolved_yaml(const Config& c) {
  YAML::Node n;
  n["name"] = c.name;
  n["grid"]["spacing"] = vec(c.spacing, dims::kLength);
  n["geometry"] = geometry_yaml(c);
  n["model"]["name"] = c.model;
  if (c.model_impl) {
    n["model"]["parameters"] = c.model_impl->resolved_parameters();
    YAML::Node model = n["model"];
    c.model_impl->resolved_scenario(model);
  }
  // A model that defines its species (the liver model) takes no species list back.
  const bool own_species = c.model_impl && !c.model_impl->species().empty();
  for (const auto& s : c.species) {
    if (own_species) break;
    YAML::Node sp;
    sp["name"] = s.name;
    sp["diffusivity"] = q(s.diffusivity, dims::kDiffusivity);
    if (!c.model_impl) {  // a coupled model owns the reactions
      sp["decay"] = q(s.decay, dims::kRate);
      sp["source"] = q(s.source, dims::kRate);
    }
    sp["initial"] = initial_yaml(s.initial);
    if (!s.driver.fields.empty()) {
      YAML::Node d;
      for (const auto& f : s.driver.fields) d["field"].push_back(f);
      d["field"].SetStyle(YAML::EmitterStyle::Flow);
      d["c_half"] = s.driver.c_half;
      d.SetStyle(YAML::EmitterStyle::Flow);
      sp["diffusivity_driver"] = d;
    }
    if (!s.vessels.empty()) {
      YAML::Node v;
      for (const auto& e : s.vessels) v[label_name(e.label)] = e.value;
      v.SetStyle(YAML::EmitterStyle::Flow);
      sp["vessels"] = v;
    }
    n["species"].push_back(sp);
  }
  for (int f = 0; f < kFaces; ++f) n["boundaries"][face_name(f)] = face_yaml(c.boundaries[f], c);
  n["time"]["end"] = q(c.time.end, dims::kTime);
  n["time"]["dt"] = q(c.time.dt, dims::kTime);
  n["time"]["scheme"] = to_string(c.time.scheme);
  if (c.time.scheme == Scheme::Implicit) {
    const ImplicitControl& k = c.time.implicit;
    n["time"]["implicit"]["method"] =
        k.method == ImplicitMethod::TrBdf2 ? "tr_bdf2" : "backward_euler";
    n["time"]["implicit"]["tolerance"] = k.solver.tolerance;
    n["time"]["implicit"]["max_iterations"] = k.solver.max_iterations;
  }
  n["output"]["every"] = q(c.output.every, dims::kTime);
  if (c.output.fields.empty()) {
    n["output"]["fields"] = "all";
  } else {
    for (const auto& f : c.output.fields) n["output"]["fields"].push_back(f);
  }
  n["output"]["compression"] = c.output.compression;
  n["output"]["background"] = c.output.background;
  n["checkpoint"]["every"] = q(c.checkpoint.every, dims::kTime);
  n["checkpoint"]["wall_every"] = q(c.checkpoint.wall_every, dims::kTime);
  n["checkpoint"]["keep"] = c.checkpoint.keep;
  n["precision"] = to_string(c.precision);
  n["backend"] = to_string(c.backend);
  return n;
}

}  // namespace lobule

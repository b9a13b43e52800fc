// Top-level sections: name, grid, model, precision, backend, checkpoint (geometry is in
// parse_geometry.cpp).
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "host/model/model.hpp"
#include "parse_sections.hpp"

namespace lobule {
namespace {

void parse_grid(const ConfigNode& g, Config& c) {
  if (!g.defined()) g.fail("missing section (e.g. grid: { spacing: \"5 um\" })");
  g.expect_keys({"spacing"});
  const ConfigNode s = g["spacing"];
  if (!s.defined()) s.fail("missing voxel spacing (e.g. \"5 um\")");
  if (s.is_sequence()) {
    c.spacing = s.vec3(dims::kLength);
  } else {
    const double h = s.quantity(dims::kLength);
    c.spacing = {h, h, h};
  }
  for (double h : c.spacing)
    if (!(h > 0)) s.fail(fmt::format("the spacing must be positive, got {} um", h));
}

void parse_checkpoint(const ConfigNode& n, Config& c) {
  if (!n.defined()) return;
  n.expect_keys({"every", "wall_every", "keep"});
  if (n.has("every")) c.checkpoint.every = n["every"].quantity(dims::kTime);
  if (n.has("wall_every")) c.checkpoint.wall_every = n["wall_every"].quantity(dims::kTime);
  if (n.has("keep")) {
    const long long k = n["keep"].integer();
    if (k < 1 || k > 1000) n["keep"].fail("keep must be between 1 and 1000");
    c.checkpoint.keep = int(k);
  }
  if (c.checkpoint.every < 0) n["every"].fail("must not be negative");
  if (c.checkpoint.wall_every < 0) n["wall_every"].fail("must not be negative");
}

std::string default_name(const std::string& file) {
  const std::string stem = std::filesystem::path(file).stem().string();
  return stem.empty() ? "run" : stem;
}

}  // namespace

// What `run` cannot represent is refused here, naming the key: in float a value beyond float
// range (or a c_half that underflows to 0) turns into inf or NaN on the first step; an output
// interval or a step far below the run's length would write or take more than anyone can wait
// for.
static void check_representable(const ConfigNode& top, const Config& c) {
  if (c.precision == Precision::Float) {
    const double most = double(std::numeric_limits<float>::max());
    const double least = double(std::numeric_limits<float>::min());
    // (a model that defines its species checks its own parameters)
    for (std::size_t q = 0; q < c.species.size() && top.has("species"); ++q) {
      const SpeciesConfig& s = c.species[q];
      const ConfigNode n = top["species"].at(q);
      const auto in_range = [&](double v, const ConfigNode& key) {
        if (std::abs(v) > most)
          key.fail(fmt::format("{:g} is beyond float range (3.4e38): use precision: double", v));
      };
      in_range(s.diffusivity, n["diffusivity"]);
      in_range(s.decay, n.has("half_life") ? n["half_life"] : n["decay"]);
      in_range(s.source, n["source"]);
      const InitialCondition& ic = s.initial;
      for (double v : {ic.value, ic.peak, ic.background, ic.amplitude, ic.offset})
        in_range(v, n["initial"]);
      for (const auto& v : s.vessels) in_range(v.value, n["vessels"]);
      if (!s.driver.fields.empty() && s.driver.c_half < least)
        n["diffusivity_driver"]["c_half"].fail(
            fmt::format("{:g} underflows to 0 in float: use precision: double", s.driver.c_half));
    }
  }
  if (c.output.every > 0 && c.time.end / c.output.every > 1e6)
    top["output"]["every"].fail(
        fmt::format("{:g} s would write {:.3g} outputs in {:g} s (at most 10^6)", c.output.every,
                    c.time.end / c.output.every, c.time.end));
  if (!(c.time.dt > 0) || c.time.end / c.time.dt > 1e12)
    top["time"]["dt"].fail(fmt::format(
        "dt = {:g} s would take {:.3g} steps to {:g} s: the diffusivities or rates are too large "
        "for the explicit scheme (use scheme rkl2) or wrong",
        c.time.dt, c.time.end / c.time.dt, c.time.end));
}

void parse_top_level(const ConfigNode& top, Config& c) {
  top.expect_keys({"name", "grid", "geometry", "model", "species", "boundaries", "time", "output",
                   "checkpoint", "precision", "backend", "build"});
  // `build` is written into DIR/config.yaml for provenance and ignored on input, so that a
  // run's resolved config can be run again as it is.
  c.name = top.has("name") ? top["name"].str() : default_name(c.file);
  for (char ch : c.name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.'))
      top["name"].fail(fmt::format("'{}' may hold only letters, digits, '_', '-' and '.'",
                                   c.name.size() > 60 ? c.name.substr(0, 57) + "..." : c.name));
  if (c.name.empty() || c.name[0] == '.') top["name"].fail("must not be empty or start with '.'");
  if (c.name.size() > 200)
    top["name"].fail(
        fmt::format("{} characters: at most 200 (it names the output folder)", c.name.size()));

  // Precision first: the implicit solver's default tolerance depends on it.
  if (top.has("precision"))
    c.precision = top["precision"].choice({"float", "double"}) == "double" ? Precision::Double
                                                                           : Precision::Float;
  if (!geometry_from_file(top) || top.has("grid")) parse_grid(top["grid"], c);
  parse_geometry(top, c);

  parse_model(top["model"], c);
  parse_model_species(top["species"], c);
  parse_boundaries(top["boundaries"], c);
  parse_time(top["time"], c);
  parse_output(top["output"], c);
  parse_checkpoint(top["checkpoint"], c);
  if (top.has("backend")) {
    const std::string b = top["backend"].choice({"auto", "cpu", "cuda"});
    c.backend =
        b == "cpu" ? BackendChoice::Cpu : (b == "cuda" ? BackendChoice::Cuda : BackendChoice::Auto);
  }
  check_representable(top, c);
  if (c.model_impl) c.model_impl->check_scenario(top["model"], c);
}

}  // namespace lobule

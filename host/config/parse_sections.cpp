// Top-level sections: name, grid, geometry, model, precision, backend, checkpoint.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>

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

void parse_geometry(const ConfigNode& g, Config& c) {
  if (!g.defined()) g.fail("missing section (e.g. geometry: { kind: box, size: [...] })");
  g.expect_map();
  c.geometry.kind = g["kind"].choice({"box"});
  g.expect_keys({"kind", "size"});
  const ConfigNode size = g["size"];
  c.geometry.size = size.vec3(dims::kLength);
  for (int a = 0; a < 3; ++a) {
    const double L = c.geometry.size[a];
    if (!(L > 0)) size.at(a).fail(fmt::format("the box size must be positive, got {} um", L));
    const double n = L / c.spacing[a];
    const double rn = std::round(n);
    if (rn < 1 || std::abs(n - rn) > 1e-6 * std::max(1.0, n))
      size.at(a).fail(
          fmt::format("{} um is not a whole number of voxels of grid.spacing {} um ({:.4g} voxels)",
                      L, c.spacing[a], n));
    if (rn > 1 << 20) size.at(a).fail(fmt::format("{:g} voxels along one axis is too many", rn));
    c.cells[a] = int(rn);
  }
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

void parse_top_level(const ConfigNode& top, Config& c) {
  top.expect_keys({"name", "grid", "geometry", "model", "species", "boundaries", "time", "output",
                   "checkpoint", "precision", "backend", "build"});
  // `build` is written into DIR/config.yaml for provenance and ignored on input, so that a
  // run's resolved config can be run again as it is.
  c.name = top.has("name") ? top["name"].str() : default_name(c.file);
  for (char ch : c.name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.'))
      top["name"].fail(fmt::format("'{}' may hold only letters, digits, '_', '-' and '.'", c.name));
  if (c.name.empty() || c.name[0] == '.') top["name"].fail("must not be empty or start with '.'");

  parse_grid(top["grid"], c);
  parse_geometry(top["geometry"], c);

  const ConfigNode model = top["model"];
  if (model.defined()) {
    model.expect_keys({"name"});
    c.model = model["name"].choice({"diffusion_decay"});
  }
  parse_species(top["species"], c);
  parse_boundaries(top["boundaries"], c);
  parse_time(top["time"], c);
  parse_output(top["output"], c);
  parse_checkpoint(top["checkpoint"], c);
  if (top.has("precision"))
    c.precision = top["precision"].choice({"float", "double"}) == "double" ? Precision::Double
                                                                           : Precision::Float;
  if (top.has("backend")) {
    const std::string b = top["backend"].choice({"auto", "cpu", "cuda"});
    c.backend =
        b == "cpu" ? BackendChoice::Cpu : (b == "cuda" ? BackendChoice::Cuda : BackendChoice::Auto);
  }
}

}  // namespace lobule

// The geometry section: kind box, hex_lobule (the voxelized lobule) or file (a labelled
// image). Sets the grid size, and for an image the spacing, from the geometry.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "geometry/hex_tiling.hpp"
#include "geometry/import_vti.hpp"
#include "host/errors.hpp"
#include "parse_sections.hpp"

namespace lobule {
namespace {

// Whole number of voxels of edge h in length L [µm]; fails at n otherwise.
int whole_voxels(const ConfigNode& n, double L, double h) {
  const double v = L / h, rv = std::round(v);
  if (rv < 1 || std::abs(v - rv) > 1e-6 * std::max(1.0, v))
    n.fail(fmt::format(
        "{} um is not a whole number of voxels of grid.spacing {} um ({:.4g} voxels)", L, h, v));
  if (rv > 1 << 20) n.fail(fmt::format("{:g} voxels along one axis is too many", rv));
  return int(rv);
}

void parse_box(const ConfigNode& g, Config& c) {
  g.expect_keys({"kind", "size"});
  const ConfigNode size = g["size"];
  c.geometry.size = size.vec3(dims::kLength);
  for (int a = 0; a < 3; ++a) {
    const double L = c.geometry.size[a];
    if (!(L > 0)) size.at(a).fail(fmt::format("the box size must be positive, got {} um", L));
    c.cells[a] = whole_voxels(size.at(a), L, c.spacing[a]);
  }
}

// Sets x from n when n is given: a positive length [µm].
void length(const ConfigNode& n, double& x) {
  if (!n.defined()) return;
  x = n.quantity(dims::kLength);
  if (!(x > 0)) n.fail(fmt::format("must be a positive length, got {} um", x));
}

void fraction(const ConfigNode& n, double& x) {
  if (!n.defined()) return;
  x = n.number();
  if (!(x >= 0 && x <= 1)) n.fail(fmt::format("must lie in [0, 1], got {}", x));
}

void seed(const ConfigNode& n, unsigned long long& x) {
  if (!n.defined()) return;
  const long long v = n.integer();
  if (v < 0) n.fail("a seed must not be negative");
  x = (unsigned long long)v;
}

void parse_hex_parts(const ConfigNode& g, GeometryConfig& gc) {
  const ConfigNode p = g["portal"];
  if (p.defined()) {
    p.expect_keys({"vein_radius", "artery_radius", "duct_radius", "tract_radius"});
    length(p["vein_radius"], gc.portal.vein_radius);
    length(p["artery_radius"], gc.portal.artery_radius);
    length(p["duct_radius"], gc.portal.duct_radius);
    length(p["tract_radius"], gc.portal.tract_radius);
  }
  const ConfigNode s = g["sinusoids"];
  if (s.defined()) {
    s.expect_keys({"width", "plate_thickness", "branching", "cross_links", "seed", "allow_coarse"});
    length(s["width"], gc.sinusoids.width);
    length(s["plate_thickness"], gc.sinusoids.plate_thickness);
    fraction(s["branching"], gc.sinusoids.branching);
    fraction(s["cross_links"], gc.sinusoids.cross_links);
    seed(s["seed"], gc.sinusoids.seed);
    if (s.has("allow_coarse")) gc.sinusoids.allow_coarse = s["allow_coarse"].boolean();
  }
  const ConfigNode f = g["fibrosis"];
  if (f.defined()) {
    f.expect_keys({"stage", "septum_width", "seed"});
    if (f.has("stage"))
      gc.fibrosis.stage = f["stage"].choice({"F0", "F1", "F2", "F3", "F4"})[1] - '0';
    length(f["septum_width"], gc.fibrosis.septum_width);
    seed(f["seed"], gc.fibrosis.seed);
  }
}

// The sizes must leave room for the vessels, the parenchyma and the sinusoids.
void check_hex(const ConfigNode& g, const ConfigNode& spacing, Config& c) {
  const GeometryConfig& gc = c.geometry;
  const PortalConfig& p = gc.portal;
  const double triad = p.vein_radius + 2 + 2 * std::max(p.artery_radius, p.duct_radius);
  if (p.tract_radius < triad)
    g["portal"]["tract_radius"].fail(fmt::format(
        "the portal tract ({} um) must hold the triad: vein_radius + 2 um + 2 x max(artery_radius, "
        "duct_radius) = {} um",
        p.tract_radius, triad));
  const double tract = p.tract_radius * (gc.fibrosis.stage >= 1 ? 1.5 : 1.0);
  const double pitch = gc.sinusoids.width + gc.sinusoids.plate_thickness;
  const double need = std::max(gc.central_vein_radius + tract + pitch, 2 * tract + pitch);
  if (gc.radius < need)
    g["radius"].fail(fmt::format(
        "radius {} um is below the vessel radii: it must be at least {} um (central_vein_radius + "
        "portal tract radius + sinusoid pitch, and two tract radii + pitch along an edge; the "
        "tract radius is portal.tract_radius, x 1.5 from stage F1 on)",
        gc.radius, need));
  const double h_max = *std::max_element(c.spacing.begin(), c.spacing.end());
  if (h_max > gc.sinusoids.width) {
    const std::string what = fmt::format(
        "grid spacing {} um is coarser than the sinusoid width {} um", h_max, gc.sinusoids.width);
    if (!gc.sinusoids.allow_coarse)
      spacing.fail(what +
                   ": use a finer spacing, or set geometry.sinusoids.allow_coarse: true to "
                   "accept sinusoids one voxel wide");
    c.warnings.push_back(what + "; sinusoids are drawn one voxel wide (allow_coarse)");
  }
  if (gc.fibrosis.stage >= 1 && h_max > 0.5 * gc.fibrosis.septum_width)
    c.warnings.push_back(fmt::format(
        "grid spacing {} um is coarse for septa of {} um: periportal spurs may be thin or broken",
        h_max, gc.fibrosis.septum_width));
}

void parse_hex(const ConfigNode& g, const ConfigNode& spacing, Config& c) {
  g.expect_keys({"kind", "radius", "height", "lobules", "crop", "central_vein_radius", "portal",
                 "sinusoids", "fibrosis", "periodic_z", "volume_fractions"});
  GeometryConfig& gc = c.geometry;
  length(g["radius"], gc.radius);
  length(g["height"], gc.height);
  length(g["central_vein_radius"], gc.central_vein_radius);
  if (g.has("lobules")) {
    const ConfigNode n = g["lobules"];
    if (!n.is_sequence() || n.size() != 2) n.fail("expected two integers [columns, rows]");
    for (int a = 0; a < 2; ++a) {
      const long long v = n.at(a).integer();
      if (v < 1 || v > 256) n.at(a).fail("the number of lobules must be between 1 and 256");
      gc.lobules[a] = int(v);
    }
  }
  if (g.has("crop")) gc.crop_inner = g["crop"].choice({"none", "inner"}) == "inner";
  if (g.has("periodic_z")) gc.periodic_z = g["periodic_z"].boolean();
  if (g.has("volume_fractions")) gc.volume_fractions = g["volume_fractions"].boolean();
  parse_hex_parts(g, gc);
  check_hex(g, spacing, c);

  whole_voxels(g["height"], gc.height, c.spacing[2]);
  const HexGrid grid = hex_grid(gc, c.spacing);
  for (int a = 0; a < 3; ++a) {
    if (grid.cells[a] > 1 << 20) spacing.fail("the lobule is too many voxels wide");
    if (grid.cells[a] < 1) g["crop"].fail("no voxel of the tiling lies wholly in tissue");
  }
  c.cells = grid.cells;
  gc.origin = grid.origin;
}

void parse_file(const ConfigNode& g, const ConfigNode& grid, Config& c) {
  g.expect_keys({"kind", "path", "array"});
  namespace fs = std::filesystem;
  fs::path p = g["path"].str();
  if (p.is_relative()) p = fs::path(c.file).parent_path() / p;
  p = fs::absolute(p);  // stored so: a restart from another folder finds it
  c.geometry.path = p.lexically_normal().string();
  if (g.has("array")) c.geometry.array = g["array"].str();
  LabelImageInfo info;
  try {
    info = read_label_image_info(c.geometry.path);
  } catch (const InputError& e) {
    g["path"].fail(e.what());
  }
  if (std::find(info.arrays.begin(), info.arrays.end(), c.geometry.array) == info.arrays.end()) {
    std::string names;
    for (const auto& n : info.arrays) names += (names.empty() ? "" : ", ") + n;
    g["array"].fail(fmt::format("{} has no cell array '{}' (it has: {})", c.geometry.path,
                                c.geometry.array, names.empty() ? "none" : names));
  }
  for (int a = 0; a < 3; ++a) {
    if (!(info.spacing[a] > 0) || info.cells[a] < 1)
      g["path"].fail(
          fmt::format("{}: spacing {} um and {} cells along axis {}: both must be "
                      "positive",
                      c.geometry.path, info.spacing[a], info.cells[a], "xyz"[a]));
    // Spacing comes from the file; a grid.spacing, when given, must agree with it.
    if (grid.defined() && std::abs(c.spacing[a] - info.spacing[a]) > 1e-6 * info.spacing[a])
      grid["spacing"].fail(fmt::format(
          "{} um differs from the spacing {} um of {} along {}; leave grid.spacing out to use "
          "the file's",
          c.spacing[a], info.spacing[a], c.geometry.path, "xyz"[a]));
  }
  c.spacing = info.spacing;
  c.cells = info.cells;
  c.geometry.origin = info.origin;
}

}  // namespace

bool geometry_from_file(const ConfigNode& top) {
  const ConfigNode g = top["geometry"];
  return g.is_map() && g.has("kind") && g["kind"].is_scalar() && g["kind"].str() == "file";
}

void parse_geometry(const ConfigNode& top, Config& c) {
  const ConfigNode g = top["geometry"];
  if (!g.defined()) g.fail("missing section (e.g. geometry: { kind: box, size: [...] })");
  g.expect_map();
  c.geometry.kind = g["kind"].choice({"box", "hex_lobule", "file"});
  if (c.geometry.kind == "box") parse_box(g, c);
  if (c.geometry.kind == "hex_lobule") parse_hex(g, top["grid"]["spacing"], c);
  if (c.geometry.kind == "file") parse_file(g, top["grid"], c);
}

}  // namespace lobule

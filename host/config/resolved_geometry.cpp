// The geometry section of the resolved config (canonical units, every default written out).
#include <fmt/format.h>

#include "parse_sections.hpp"
#include "units.hpp"

namespace lobule {
namespace {

YAML::Node um(double v) {
  return YAML::Node(format_quantity(v, dims::kLength));
}

// A probability as its shortest decimal (0.2, not 0.20000000000000001).
YAML::Node number(double v) {
  return YAML::Node(fmt::format("{:g}", v));
}

YAML::Node flow(YAML::Node n) {
  n.SetStyle(YAML::EmitterStyle::Flow);
  return n;
}

YAML::Node hex_yaml(const GeometryConfig& g) {
  YAML::Node n;
  n["kind"] = g.kind;
  n["radius"] = um(g.radius);
  n["height"] = um(g.height);
  YAML::Node lob;
  lob.push_back(g.lobules[0]);
  lob.push_back(g.lobules[1]);
  n["lobules"] = flow(lob);
  n["crop"] = g.crop_inner ? "inner" : "none";
  n["central_vein_radius"] = um(g.central_vein_radius);
  YAML::Node p;
  p["vein_radius"] = um(g.portal.vein_radius);
  p["artery_radius"] = um(g.portal.artery_radius);
  p["duct_radius"] = um(g.portal.duct_radius);
  p["tract_radius"] = um(g.portal.tract_radius);
  n["portal"] = flow(p);
  YAML::Node s;
  s["width"] = um(g.sinusoids.width);
  s["plate_thickness"] = um(g.sinusoids.plate_thickness);
  s["branching"] = number(g.sinusoids.branching);
  s["cross_links"] = number(g.sinusoids.cross_links);
  s["seed"] = g.sinusoids.seed;
  s["allow_coarse"] = g.sinusoids.allow_coarse;
  n["sinusoids"] = flow(s);
  YAML::Node f;
  f["stage"] = "F" + std::to_string(g.fibrosis.stage);
  f["septum_width"] = um(g.fibrosis.septum_width);
  f["seed"] = g.fibrosis.seed;
  n["fibrosis"] = flow(f);
  n["periodic_z"] = g.periodic_z;
  n["volume_fractions"] = g.volume_fractions;
  return n;
}

}  // namespace

YAML::Node geometry_yaml(const Config& c) {
  const GeometryConfig& g = c.geometry;
  if (g.kind == "hex_lobule") return hex_yaml(g);
  YAML::Node n;
  n["kind"] = g.kind;
  if (g.kind == "file") {
    n["path"] = g.path;
    n["array"] = g.array;
  } else {
    YAML::Node size(YAML::NodeType::Sequence);
    for (double x : g.size) size.push_back(format_quantity(x, dims::kLength));
    n["size"] = flow(size);
  }
  return n;
}

}  // namespace lobule

// What `lobule check` and `lobule geometry` say about a geometry: size, label fractions.
#include <fmt/format.h>

#include <cstdio>

#include "commands.hpp"
#include "geometry/geometry_stats.hpp"
#include "geometry/volume_fractions.hpp"

namespace lobule {

void print_warnings(const Config& c) {
  for (const auto& w : c.warnings) std::fprintf(stderr, "lobule: warning: %s\n", w.c_str());
}

std::string describe_geometry(const Config& c) {
  const GeometryConfig& g = c.geometry;
  if (g.kind == "hex_lobule")
    return fmt::format("hex_lobule: {} x {} lobules of radius {} um, height {} um, stage F{}{}",
                       g.lobules[0], g.lobules[1], g.radius, g.height, g.fibrosis.stage,
                       g.crop_inner ? ", cropped to the inner rectangle" : "");
  if (g.kind == "file") return fmt::format("file: {} (array '{}')", g.path, g.array);
  return "box";
}

void print_label_fractions(const Geometry& g) {
  const LabelCounts n = count_labels(g);
  fmt::print("voxels: {} in the grid, {} tissue ({:.1f}%), {} outside\n", n.total, n.tissue(),
             n.total ? 100.0 * double(n.tissue()) / double(n.total) : 0.0, n.count[kOutside]);
  fmt::print("label fractions of the tissue:\n");
  for (int l = 0; l <= kSeptum; ++l)
    fmt::print("  {} {:<15} {:>7.3f}%  ({} voxels)\n", l, label_name(std::uint8_t(l)),
               100 * n.tissue_fraction(std::uint8_t(l)), n.count[std::size_t(l)]);
  if (!g.fraction.empty()) {
    // Volume shares of the tissue (sub-sampled): what a coarse grid's labels misstate.
    double sum[kFractionClasses] = {}, tissue = 0;
    for (std::size_t v = 0; v < g.voxels(); ++v) {
      if (!is_tissue(g.label[v])) continue;
      tissue += 1;
      for (int l = 0; l < kFractionClasses; ++l) sum[l] += fraction_of(g, l, v);
    }
    fmt::print("volume fractions of the tissue (sub-sampled):\n");
    for (int l = 0; l < kFractionClasses; ++l)
      fmt::print("  {} {:<15} {:>7.3f}%\n", l, label_name(std::uint8_t(l)),
                 tissue > 0 ? 100 * sum[l] / tissue : 0.0);
  }
  fmt::print("geometry arrays: {:.1f} MiB (label 1 B{} per voxel)\n",
             double(g.voxels() * (1 + (g.zone.empty() ? 0 : 4))) / (1 << 20),
             g.zone.empty() ? "" : " + zone 4 B");
}

}  // namespace lobule

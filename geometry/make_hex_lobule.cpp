// Voxelization of a hex lobule tiling: the z-invariant cross-section, copied to every z
// plane, then the sinusoid tubes carved into the parenchyma and the slivers that vessels cut
// off from them removed.
#include <algorithm>
#include <cmath>

#include "geometry.hpp"
#include "hex_tiling.hpp"
#include "lobule_section.hpp"
#include "prune_sinusoids.hpp"
#include "rasterize_tubes.hpp"
#include "sinusoid_network.hpp"
#include "volume_fractions.hpp"

namespace lobule {
namespace {

// With volume fractions, every vessel holds at least the voxel column its axis runs through,
// whatever share of it the vessel fills: a vessel thinner than a voxel (a hepatic artery,
// 5 µm in radius, on grids of 10 µm and more) is otherwise held or not by where the voxel
// centres happen to fall, and its sink appears and vanishes with the spacing. The axes are
// applied arteries first, central veins last, so a larger vessel keeps a voxel that two share.
void hold_vessel_axes(const LobuleSection& section, const Geometry& g,
                      std::vector<SectionSample>& cut) {
  const Box& b = g.box;
  for (const VesselAxis& a : section.vessel_axes()) {
    const int i = int(std::floor((a.centre[0] - g.origin[0]) / g.spacing[0]));
    const int j = int(std::floor((a.centre[1] - g.origin[1]) / g.spacing[1]));
    if (i < 0 || j < 0 || i >= b.nx || j >= b.ny) continue;
    SectionSample& s = cut[std::size_t(j) * b.nx + i];
    if (is_tissue(s.label)) s.label = a.label;
  }
}

}  // namespace

Geometry make_hex_lobule(const GeometryConfig& gc, const std::array<double, 3>& spacing) {
  const HexGrid grid = hex_grid(gc, spacing);
  Geometry g = make_hex_lobule_on(gc, spacing, grid.cells, grid.origin);
  if (gc.volume_fractions) add_volume_fractions(g, gc);
  return g;
}

Geometry make_hex_lobule_on(const GeometryConfig& gc, const std::array<double, 3>& spacing,
                            const std::array<int, 3>& cells, const std::array<double, 3>& origin) {
  Geometry g;
  g.box = whole_box(cells[0], cells[1], cells[2]);
  g.spacing = spacing;
  g.origin = origin;
  const Box& b = g.box;

  // One cross-section: label and zone per (i, j) column.
  const LobuleSection section(gc);
  const std::size_t plane = std::size_t(b.nx) * std::size_t(b.ny);
  std::vector<SectionSample> cut(plane);
#pragma omp parallel for schedule(static)
  for (int j = 0; j < b.ny; ++j)
    for (int i = 0; i < b.nx; ++i) {
      const auto x = g.centre(i, j, 0);
      cut[std::size_t(j) * b.nx + i] = section.at({x[0], x[1]});
    }

  if (gc.volume_fractions) hold_vessel_axes(section, g, cut);

  g.label.resize(g.voxels());
  g.zone.resize(g.voxels());
#pragma omp parallel for schedule(static)
  for (int k = 0; k < b.nz; ++k) {
    std::uint8_t* lab = g.label.data() + std::size_t(k) * plane;
    float* zone = g.zone.data() + std::size_t(k) * plane;
    for (std::size_t v = 0; v < plane; ++v) {
      lab[v] = cut[v].label;
      zone[v] = cut[v].zone;
    }
  }

  const double h_max = *std::max_element(spacing.begin(), spacing.end());
  rasterize_tubes(g, sinusoid_network(gc, h_max), 0.5 * gc.sinusoids.width,
                  gc.periodic_z ? gc.height : 0.0);
  prune_sinusoid_slivers(g, gc.periodic_z, gc.crop_inner);
  return g;
}

}  // namespace lobule

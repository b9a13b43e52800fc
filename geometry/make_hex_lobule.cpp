// Voxelization of a hex lobule tiling: the z-invariant cross-section, copied to every z
// plane, then the sinusoid tubes carved into the parenchyma and the slivers that vessels cut
// off from them removed.
#include <algorithm>

#include "geometry.hpp"
#include "hex_tiling.hpp"
#include "lobule_section.hpp"
#include "prune_sinusoids.hpp"
#include "rasterize_tubes.hpp"
#include "sinusoid_network.hpp"
#include "volume_fractions.hpp"

namespace lobule {

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

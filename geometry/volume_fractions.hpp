/// Volume fractions of the tissue classes per voxel: what share of each voxel is parenchyma,
/// sinusoid lumen, portal vein, hepatic artery, bile duct, central vein, portal tract or septum.
/// A coarse voxel is then a consistent approximation of the lobule it covers (a 30 µm voxel is
/// about a tenth sinusoid lumen, as the lobule is), where its label alone would make it all
/// lumen or none. The label array stays (rasterized as before) for masks, vessels and outputs.
#pragma once
#include <cstddef>

#include "geometry.hpp"
#include "geometry_params.hpp"
#include "kernels/voxel_class.hpp"

namespace lobule {

/// The voxels' share of fine sub-voxels per axis for a grid of spacing h [µm]: the sub-voxels
/// are at most a quarter of the sinusoid width wide, s = ⌈h/(width/4)⌉ (30 µm, 7 µm tubes: 18;
/// 5 µm: 3).
int fraction_subsamples(double h, double sinusoid_width);

/// Fills g.fraction for a hex lobule: the same lobule rasterized on a grid s times finer per axis
/// nested in g's (make_hex_lobule_on: the sinusoid tubes at their true width, slivers pruned),
/// each voxel's fractions the shares of its s³ sub-voxels per label, over those inside the tissue
/// (they sum to 1 in every tissue voxel; 0 outside). A tissue voxel with no sub-voxel inside
/// keeps its label's 0/1 fractions.
void add_volume_fractions(Geometry& g, const GeometryConfig& gc);

/// 0/1 fractions from the labels (a box, an imported image without fraction arrays).
void label_fractions(Geometry& g);

/// Share of label l in voxel v (0 without fractions but the label's own 0/1).
inline float fraction_of(const Geometry& g, int l, std::size_t v) {
  if (g.fraction.empty()) return g.label[v] == l ? 1.0f : 0.0f;
  return g.fraction[std::size_t(l) * g.voxels() + v];
}

/// The tissue weights the kernels read (kernels/voxel_class.hpp) of voxel v: from the
/// fractions (cell = parenchyma + portal tract + septum, sinusoid, tract share of the cells),
/// or the label physics' where g has none. Vessel and duct voxels (labels 2–5) keep their
/// label's weights (no cells, no exchange): the vessels hold them whole, so a partly-vessel
/// voxel is all vessel and a partly-tissue vessel neighbour all tissue.
TissueWeights<float> tissue_weights(const Geometry& g, std::size_t v);

}  // namespace lobule

/// The sinusoid network of a hex lobule tiling as tube axes (straight segments).
#pragma once
#include <array>
#include <vector>

#include "geometry_params.hpp"
#include "hex_tiling.hpp"

namespace lobule {

using Vec3 = std::array<double, 3>;

/// A straight piece of a sinusoid's axis, in the tiling frame [µm]; z may lie outside
/// [0, height) when the network wraps around a periodic z axis.
struct Segment {
  Vec3 a{}, b{};
};

/// Sizes of the network lattice of one lobule (see docs/geometry.md, "Sinusoids").
struct NetworkShape {
  double pitch = 0;        ///< sinusoid centre-to-centre distance: width + plate_thickness [µm]
  int layers = 1;          ///< z layers: round(height / pitch), at least 1
  int levels = 1;          ///< radial levels between the central vein and the periphery
  double rho0 = 0;         ///< innermost level, as a fraction of the apothem
  double drho = 0;         ///< level spacing, fraction of the apothem
  double rho_ring = 1;     ///< peripheral ring (inset from the edges), fraction of the apothem
  std::vector<int> lanes;  ///< lanes per 60° sector at each level, round(ρ·R / pitch)
};

/// The lattice sizes for a geometry; h_max is the coarsest voxel edge [µm] (the peripheral
/// ring is inset far enough that its voxels stay inside the lobule).
NetworkShape network_shape(const GeometryConfig& g, double h_max);

/// Every tube axis of every lobule: a tree per sector and z layer that converges from the
/// periphery onto the central vein, random side branches, tangential and vertical
/// cross-links, and a ring along the edges that joins the portal tracts. Deterministic in
/// sinusoids.seed and the lobule's (column, row).
std::vector<Segment> sinusoid_network(const GeometryConfig& g, double h_max);

}  // namespace lobule

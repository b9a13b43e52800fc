/// Honeycomb tiling of flat-top hexagonal lobules and the voxel grid laid over it.
#pragma once
#include <array>
#include <cstdint>
#include <utility>

namespace lobule {

struct GeometryConfig;

using Vec2 = std::array<double, 2>;

/// nx columns × ny rows of flat-top hexagons of circumradius R (corners at 0°, 60°, ...),
/// odd columns shifted up by half a row. Neighbours share edges and corners. Positions
/// are in the tiling frame: the tiling's bounding box starts at (0, 0).
struct HexTiling {
  double R = 300;  ///< centre-to-corner radius [µm]
  int nx = 1, ny = 1;

  double apothem() const;  ///< centre-to-edge distance √3/2·R [µm]
  /// Centre of lobule (col, row): (R + 1.5·R·col, √3/2·R·(1 + 2·row + col mod 2)).
  Vec2 centre(int col, int row) const;
  /// Corner c (0..5) of lobule (col, row), at angle 60°·c from its centre.
  Vec2 corner(int col, int row, int c) const;
  Vec2 extent() const;  ///< bounding box of the tiling: width, height [µm]
  bool contains(int col, int row) const { return col >= 0 && col < nx && row >= 0 && row < ny; }
  int lobule_count() const { return nx * ny; }

  /// The hexagon of the infinite honeycomb that holds point p (its nearest centre).
  struct Cell {
    int col = 0, row = 0;
    Vec2 d{};  ///< p minus the centre [µm]
  };
  Cell locate(Vec2 p) const;
};

/// Integer key of a honeycomb vertex (2x/R, 2y/(√3·R)), shared by the lobules that meet there.
std::pair<std::int64_t, std::int64_t> vertex_key(const HexTiling& t, Vec2 v);

/// The voxel grid of a hex_lobule geometry: size and the position of its corner.
struct HexGrid {
  std::array<int, 3> cells{};
  std::array<double, 3> origin{};  ///< grid corner in the tiling frame [µm]
};

/// Grid covering the tiling (centred on its bounding box), or with crop_inner the largest
/// rectangle whose voxel centres all lie in tissue. nz = height / spacing_z (whole number,
/// checked by the config parser).
HexGrid hex_grid(const GeometryConfig& g, const std::array<double, 3>& spacing);

HexTiling tiling_of(const GeometryConfig& g);

}  // namespace lobule

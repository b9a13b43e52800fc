/// The voxelized tissue: grid, spacing, labels and (for a lobule) the zone coordinate.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "kernels/grid.hpp"
#include "labels.hpp"

namespace lobule {

struct GeometryConfig;

/// Voxel grid of a scenario with its labels, interior voxels only, x fastest.
struct Geometry {
  Box box;                          ///< the local box (whole grid on one process)
  std::array<double, 3> spacing{};  ///< voxel edge [µm]
  std::array<double, 3> origin{};   ///< position of the grid's corner [µm]
  std::vector<std::uint8_t> label;  ///< Label per voxel, box.interior() entries
  std::vector<float> zone;          ///< 0 portal .. 1 central; empty for a box

  std::size_t voxels() const { return box.interior(); }
  /// Linear index of interior voxel (i, j, k) in label and zone.
  std::size_t at(int i, int j, int k) const {
    return (std::size_t(k) * std::size_t(box.ny) + std::size_t(j)) * std::size_t(box.nx) +
           std::size_t(i);
  }
  /// Centre of interior voxel (i, j, k) [µm].
  std::array<double, 3> centre(int i, int j, int k) const {
    return {origin[0] + (box.ox + i + 0.5) * spacing[0],
            origin[1] + (box.oy + j + 0.5) * spacing[1],
            origin[2] + (box.oz + k + 0.5) * spacing[2]};
  }
};

/// Builds the geometry of parameters g on voxels of `spacing` [µm], `cells` per axis (box and
/// file; a hex lobule derives its own): kind box (every voxel parenchyma), hex_lobule
/// (docs/geometry.md) or file (a labelled .vti). Throws InputError for a bad image.
Geometry make_geometry(const GeometryConfig& g, const std::array<double, 3>& spacing,
                       const std::array<int, 3>& cells);

/// The hex_lobule geometry (make_hex_lobule.cpp).
Geometry make_hex_lobule(const GeometryConfig& g, const std::array<double, 3>& spacing);

}  // namespace lobule

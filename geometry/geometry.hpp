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
  /// Volume fractions of the tissue classes (geometry/volume_fractions.hpp): kFractionClasses
  /// planes of voxels() entries, plane l the share of Label l in each voxel; empty: none (the
  /// physics reads the labels alone).
  std::vector<float> fraction;

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

/// Number of planes of Geometry::fraction: the tissue labels 0..7.
inline constexpr int kFractionClasses = 8;

/// Builds the geometry of parameters g on voxels of `spacing` [µm], `cells` per axis (box and
/// file; a hex lobule derives its own): kind box (every voxel parenchyma), hex_lobule
/// (docs/geometry.md) or file (a labelled .vti). Throws InputError for a bad image.
Geometry make_geometry(const GeometryConfig& g, const std::array<double, 3>& spacing,
                       const std::array<int, 3>& cells);

/// The hex_lobule geometry (make_hex_lobule.cpp).
Geometry make_hex_lobule(const GeometryConfig& g, const std::array<double, 3>& spacing);

/// The hex_lobule geometry on voxels of `spacing` with `cells` per axis from grid corner
/// `origin` (the tiling frame) — a finer grid nested in the scenario's (volume_fractions.cpp).
Geometry make_hex_lobule_on(const GeometryConfig& g, const std::array<double, 3>& spacing,
                            const std::array<int, 3>& cells, const std::array<double, 3>& origin);

}  // namespace lobule

/// Local voxel box with a one-voxel halo and its offset in the global grid.
#pragma once
#include <cstddef>

#include "rd_macros.hpp"

namespace lobule {

/// Width of the halo around every local box, in voxels (the 7-point stencil needs one).
inline constexpr int kHalo = 1;

/// Axis-aligned box of interior voxels stored with a halo, x fastest.
///
/// Interior voxel (i, j, k), 0 <= i < nx, sits at padded position (i + 1, j + 1, k + 1);
/// halo voxels use i = -1 and i = nx. The global offset (ox, oy, oz) places the box in a
/// global grid of gx × gy × gz voxels, so that a later domain decomposition keeps the layout.
struct Box {
  int nx = 0, ny = 0, nz = 0;  ///< interior voxels per axis
  int ox = 0, oy = 0, oz = 0;  ///< global index of interior voxel (0, 0, 0)
  int gx = 0, gy = 0, gz = 0;  ///< global grid size in voxels

  RD_HOST_DEVICE std::size_t sy() const { return std::size_t(nx + 2 * kHalo); }
  RD_HOST_DEVICE std::size_t sz() const { return sy() * std::size_t(ny + 2 * kHalo); }
  RD_HOST_DEVICE std::size_t padded() const { return sz() * std::size_t(nz + 2 * kHalo); }
  RD_HOST_DEVICE std::size_t interior() const {
    return std::size_t(nx) * std::size_t(ny) * std::size_t(nz);
  }
  /// Linear index of voxel (i, j, k); halo voxels have i, j or k equal to -1 or n.
  RD_HOST_DEVICE std::size_t idx(int i, int j, int k) const {
    return (std::size_t(k + kHalo) * std::size_t(ny + 2 * kHalo) + std::size_t(j + kHalo)) * sy() +
           std::size_t(i + kHalo);
  }
  /// Interior extent along axis a (0 = x, 1 = y, 2 = z).
  RD_HOST_DEVICE int extent(int a) const { return a == 0 ? nx : (a == 1 ? ny : nz); }
  /// Stride of the padded layout along axis a.
  RD_HOST_DEVICE std::size_t stride(int a) const { return a == 0 ? 1 : (a == 1 ? sy() : sz()); }
};

/// A box covering a whole global grid of nx × ny × nz voxels.
inline Box whole_box(int nx, int ny, int nz) {
  return Box{nx, ny, nz, 0, 0, 0, nx, ny, nz};
}

/// Inverse squared voxel spacing per axis, 1/h² [1/µm²].
template <class T>
struct InvH2 {
  T x, y, z;
};

}  // namespace lobule

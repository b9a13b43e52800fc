/// Domain-face boundary conditions, applied by filling the one-voxel halo.
#pragma once
#include <cstddef>

#include "grid.hpp"
#include "rd_macros.hpp"

namespace lobule {

/// Kind of boundary on one face of the domain.
enum class BoundaryKind : int { NoFlux = 0, Periodic = 1, Dirichlet = 2 };

/// Faces in the order x_min, x_max, y_min, y_max, z_min, z_max.
inline constexpr int kFaces = 6;

/// Boundary conditions of one species on the six faces.
template <class T>
struct BoundarySet {
  BoundaryKind kind[kFaces] = {};
  T value[kFaces] = {};  ///< Dirichlet value held at the face [conc]
};

/// The same faces with every Dirichlet value zero: the boundary conditions of an increment
/// (a difference of two fields that both satisfy bc).
template <class T>
RD_HOST_DEVICE inline BoundarySet<T> homogeneous(BoundarySet<T> bc) {
  for (int f = 0; f < kFaces; ++f) bc.value[f] = T(0);
  return bc;
}

/// Which array a halo fill is for: concentrations take the boundary value, diffusivities
/// are copied so that the face diffusivity equals the interior voxel's own.
enum class HaloOf : int { Concentration = 0, Diffusivity = 1 };

/// Number of halo voxels on face f of box b (the face's interior cross-section).
RD_HOST_DEVICE inline std::size_t face_cells(const Box& b, int f) {
  const int a = f / 2;
  return std::size_t(b.extent((a + 1) % 3)) * std::size_t(b.extent((a + 2) % 3));
}

/// The value of a halo voxel on a face of kind `kind` (Dirichlet value V) from u_a, the interior
/// voxel beside it, and u_p, the interior voxel on the opposite face:
///   no_flux:   u_g = u_a            (zero normal gradient, no flux through the face)
///   periodic:  u_g = u_p            (the interior voxel on the opposite face)
///   dirichlet: u_g = 2·V − u_a      (linear profile through the face value V, which is
///                                    held at the face, h/2 from the voxel centre)
/// Diffusivities copy u_a (or u_p when periodic), so the face D is the interior D.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T halo_value(BoundaryKind kind, HaloOf what, T value, T u_a,
                                             T u_p) {
  switch (kind) {
    case BoundaryKind::Periodic:
      return u_p;
    case BoundaryKind::Dirichlet:
      return what == HaloOf::Concentration ? T(2) * value - u_a : u_a;
    default:
      return u_a;
  }
}

/// The padded indices of face f's halo plane, of the interior plane beside it and of the
/// interior plane on the opposite face, at the face's first cell; the face's cells follow with
/// the strides of its two other axes (Box::stride).
struct FacePlanes {
  std::size_t halo, adjacent, opposite;
  int axis1, axis2;  ///< the axes along the face (a + 1, a + 2 modulo 3)
};
RD_HOST_DEVICE inline FacePlanes face_planes(const Box& b, int f) {
  const int a = f / 2;
  const bool high = (f % 2) == 1;
  const int n_a = b.extent(a);
  int q[3] = {0, 0, 0};
  FacePlanes p;
  q[a] = high ? n_a : -1;
  p.halo = b.idx(q[0], q[1], q[2]);
  q[a] = high ? n_a - 1 : 0;
  p.adjacent = b.idx(q[0], q[1], q[2]);
  q[a] = high ? 0 : n_a - 1;
  p.opposite = b.idx(q[0], q[1], q[2]);
  p.axis1 = (a + 1) % 3;
  p.axis2 = (a + 2) % 3;
  return p;
}

/// Fills halo voxel number n (0 <= n < face_cells) of face f (see halo_value).
template <class T>
RD_HOST_DEVICE inline void fill_halo_cell(const Box& b, const BoundarySet<T>& bc, HaloOf what,
                                          int f, std::size_t n, T* __restrict__ u) {
  const FacePlanes p = face_planes(b, f);
  const std::size_t n1 = std::size_t(b.extent(p.axis1));
  const std::size_t o = (n % n1) * b.stride(p.axis1) + (n / n1) * b.stride(p.axis2);
  u[p.halo + o] = halo_value(bc.kind[f], what, bc.value[f], u[p.adjacent + o], u[p.opposite + o]);
}

}  // namespace lobule

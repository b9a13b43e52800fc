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

/// Fills halo voxel number n (0 <= n < face_cells) of face f.
///   no_flux:   u_g = u_a            (zero normal gradient, no flux through the face)
///   periodic:  u_g = u_p            (the interior voxel on the opposite face)
///   dirichlet: u_g = 2·V − u_a      (linear profile through the face value V, which is
///                                    held at the face, h/2 from the voxel centre)
/// Diffusivities copy u_a (or u_p when periodic), so the face D is the interior D.
template <class T>
RD_HOST_DEVICE inline void fill_halo_cell(const Box& b, const BoundarySet<T>& bc, HaloOf what,
                                          int f, std::size_t n, T* __restrict__ u) {
  const int a = f / 2, a1 = (a + 1) % 3, a2 = (a + 2) % 3;
  const bool high = (f % 2) == 1;
  int q[3];
  q[a1] = int(n % std::size_t(b.extent(a1)));
  q[a2] = int(n / std::size_t(b.extent(a1)));
  const int n_a = b.extent(a);
  q[a] = high ? n_a : -1;
  const std::size_t g = b.idx(q[0], q[1], q[2]);
  q[a] = high ? n_a - 1 : 0;
  const std::size_t adj = b.idx(q[0], q[1], q[2]);
  q[a] = high ? 0 : n_a - 1;
  const std::size_t opp = b.idx(q[0], q[1], q[2]);
  switch (bc.kind[f]) {
    case BoundaryKind::Periodic:
      u[g] = u[opp];
      break;
    case BoundaryKind::Dirichlet:
      u[g] = what == HaloOf::Concentration ? T(2) * bc.value[f] - u[adj] : u[adj];
      break;
    default:
      u[g] = u[adj];
      break;
  }
}

}  // namespace lobule

/// Finite-volume diffusion–decay formulas per voxel, shared by the CPU and CUDA backends.
#pragma once
#include <cstddef>

#include <cstdint>

#include "grid.hpp"
#include "rd_macros.hpp"
#include "vessels.hpp"
#include "voxel_class.hpp"

namespace lobule {

/// Face diffusivity between two voxels, the harmonic mean D_f = 2·D_a·D_b/(D_a + D_b)
/// [µm²/s]; zero when either side is zero (masked voxels and scar-free walls block flux).
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T face_diffusivity(T a, T b) {
  // Branch-free: when a + b = 0 the numerator is 0 and the divisor a tiny positive number,
  // so the CPU loop vectorizes and masked voxels (D = 0) give a zero face value.
  const T s = a + b;
  const T tiny = T(1e-30);
  return T(2) * a * b / (s > tiny ? s : tiny);
}

/// Divergence of the diffusive flux at voxel c, 7-point flux form [conc/s]:
///   ∇·(D∇u) ≈ Σ_axes (1/h²)·[D_{+}(u_{+} − u_c) − D_{−}(u_c − u_{−})],
/// with D_{±} the harmonic-mean face diffusivities. sy, sz are the padded strides.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T diffusion_divergence(const T* __restrict__ u,
                                                       const T* __restrict__ D, std::size_t c,
                                                       std::size_t sy, std::size_t sz,
                                                       InvH2<T> ih2) {
  const T uc = u[c];
  const T dc = D[c];
  const T fx = face_diffusivity(dc, D[c + 1]) * (u[c + 1] - uc) -
               face_diffusivity(dc, D[c - 1]) * (uc - u[c - 1]);
  const T fy = face_diffusivity(dc, D[c + sy]) * (u[c + sy] - uc) -
               face_diffusivity(dc, D[c - sy]) * (uc - u[c - sy]);
  const T fz = face_diffusivity(dc, D[c + sz]) * (u[c + sz] - uc) -
               face_diffusivity(dc, D[c - sz]) * (uc - u[c - sz]);
  return ih2.x * fx + ih2.y * fy + ih2.z * fz;
}

/// 1 where a face can carry flux from voxel n's side (D ≠ 0), 0 where it cannot.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T open_face(const T* __restrict__ D, std::size_t n) {
  return T(D[n] != T(0));
}

/// ∇·(D∇u) at a tissue voxel c when D takes one value d in the whole tissue and 0 outside it
/// (a constant-coefficient species): every face between two voxels with D ≠ 0 has the harmonic
/// mean of d and d, which is d, and faces to masked voxels 0, so
///   ∇·(D∇u) ≈ Σ_axes (d/h²)·[o₊(u₊ − u_c) − o₋(u_c − u₋)],   o = [D ≠ 0] of the neighbour,
/// with ih2d = d/h² per axis: no division (the halo's D is the interior's copy, as above).
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T uniform_divergence(const T* __restrict__ u,
                                                     const T* __restrict__ D, std::size_t c,
                                                     std::size_t sy, std::size_t sz,
                                                     InvH2<T> ih2d) {
  const T uc = u[c];
  const T fx = open_face(D, c + 1) * (u[c + 1] - uc) - open_face(D, c - 1) * (uc - u[c - 1]);
  const T fy = open_face(D, c + sy) * (u[c + sy] - uc) - open_face(D, c - sy) * (uc - u[c - sy]);
  const T fz = open_face(D, c + sz) * (u[c + sz] - uc) - open_face(D, c - sz) * (uc - u[c - sz]);
  return ih2d.x * fx + ih2d.y * fy + ih2d.z * fz;
}

/// What the CPU launchers may know of a species' diffusivity beyond its D array (the CUDA
/// launchers read the D array alone):
/// - a constant-coefficient species (uniform_divergence): d > 0 is its one D in the tissue;
///   open_rows (optional, ny·nz flags, row (j, k) at j + ny·k) marks the rows whose voxels and
///   their six neighbours all have D ≠ 0, where no face is closed and the stencil needs neither
///   D nor a mask;
/// - a species whose D varies (face_divergence): face[a][c] is the harmonic face diffusivity
///   between voxel c and its neighbour c + stride(a), computed once per step.
template <class T>
struct StencilHint {
  T d = T(0);
  const std::uint8_t* open_rows = nullptr;
  const T* face[3] = {nullptr, nullptr, nullptr};
};

/// diffusion_divergence with the faces precomputed, face[a][c] = face_diffusivity(D[c],
/// D[c + stride(a)]): the same bits (2·a·b/(a + b) is symmetric to the last bit, 2·x being exact).
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T face_divergence(const T* __restrict__ u, std::size_t c,
                                                  std::size_t sy, std::size_t sz, InvH2<T> ih2,
                                                  const T* __restrict__ fx,
                                                  const T* __restrict__ fy,
                                                  const T* __restrict__ fz) {
  const T uc = u[c];
  const T gx = fx[c] * (u[c + 1] - uc) - fx[c - 1] * (uc - u[c - 1]);
  const T gy = fy[c] * (u[c + sy] - uc) - fy[c - sy] * (uc - u[c - sy]);
  const T gz = fz[c] * (u[c + sz] - uc) - fz[c - sz] * (uc - u[c - sz]);
  return ih2.x * gx + ih2.y * gy + ih2.z * gz;
}

/// uniform_divergence at a voxel whose six faces are all open: the same expression without the
/// face factors (each was exactly 1), so both give the same bits.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T open_divergence(const T* __restrict__ u, std::size_t c,
                                                  std::size_t sy, std::size_t sz, InvH2<T> ih2d) {
  const T uc = u[c];
  const T fx = (u[c + 1] - uc) - (uc - u[c - 1]);
  const T fy = (u[c + sy] - uc) - (uc - u[c - sy]);
  const T fz = (u[c + sz] - uc) - (uc - u[c - sz]);
  return ih2d.x * fx + ih2d.y * fy + ih2d.z * fz;
}

/// Linear reaction part of the diffusion–decay model, −λ·u + s [conc/s]
/// (λ decay rate [1/s], s constant source [conc/s]).
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T linear_reaction(T u, T decay, T source) {
  return source - decay * u;
}

/// Forward Euler step of ∂u/∂t = ∇·(D∇u) − λu + s at voxel c:
///   u⁺ = u + dt·(∇·(D∇u) − λu + s).
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T explicit_update(const T* __restrict__ u, const T* __restrict__ D,
                                                  std::size_t c, std::size_t sy, std::size_t sz,
                                                  InvH2<T> ih2, T dt, T decay, T source) {
  return u[c] +
         dt * (diffusion_divergence(u, D, c, sy, sz, ih2) + linear_reaction(u[c], decay, source));
}

/// One forward Euler step at voxel c, the whole voxel update of the explicit scheme:
///   u⁺ = u + dt·(∇·(D∇u) + rate)   in tissue, rate [conc/s] the net reaction rate there;
///   u⁺ = value                       where the vessel table holds the voxel;
///   u⁺ = u                           outside the tissue.
/// D = nullptr marks a local field (no diffusion term).
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T explicit_voxel(const T* __restrict__ u, const T* __restrict__ D,
                                                 std::uint8_t label, const VesselTable<T>& held,
                                                 std::size_t c, std::size_t sy, std::size_t sz,
                                                 InvH2<T> ih2, T dt, T rate) {
  if (!is_tissue(label)) return u[c];
  if (held.holds(label)) return held.value[label];
  return u[c] + dt * ((D ? diffusion_divergence(u, D, c, sy, sz, ih2) : T(0)) + rate);
}

/// 1 for a tissue voxel, 0 outside [–]: the explicit update as a multiplier instead of a branch,
/// u⁺ = u + (w·dt)·(∇·(D∇u) + rate), exactly u + dt·(…) in tissue (w·dt = dt) and u outside.
/// (Compared as an int, not through is_tissue's bool: GCC vectorizes the loop only so.)
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T tissue_weight(std::uint8_t label) {
  return T(label != kOutsideVoxel);
}

}  // namespace lobule

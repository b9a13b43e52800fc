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

/// The seven values of a 7-point stencil: at the voxel (c) and at its neighbours −/+ along x, y, z.
template <class T>
struct Stencil7 {
  T c, xm, xp, ym, yp, zm, zp;
};

/// The six face diffusivities of a voxel [µm²/s], −/+ along x, y, z.
template <class T>
struct Faces6 {
  T xm, xp, ym, yp, zm, zp;
};

/// Divergence of the diffusive flux at a voxel, 7-point flux form [conc/s]:
///   ∇·(D∇u) ≈ Σ_axes (1/h²)·[D_{+}(u_{+} − u_c) − D_{−}(u_c − u_{−})],
/// from the values u around it and its face diffusivities D_{±}.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T flux_divergence(const Stencil7<T>& u, const Faces6<T>& f,
                                                  InvH2<T> ih2) {
  const T fx = f.xp * (u.xp - u.c) - f.xm * (u.c - u.xm);
  const T fy = f.yp * (u.yp - u.c) - f.ym * (u.c - u.ym);
  const T fz = f.zp * (u.zp - u.c) - f.zm * (u.c - u.zm);
  return ih2.x * fx + ih2.y * fy + ih2.z * fz;
}

/// flux_divergence at voxel c of the padded arrays u and D, with the harmonic-mean face
/// diffusivities D_{±} = face_diffusivity(D_c, D_{±}). sy, sz are the padded strides.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T diffusion_divergence(const T* __restrict__ u,
                                                       const T* __restrict__ D, std::size_t c,
                                                       std::size_t sy, std::size_t sz,
                                                       InvH2<T> ih2) {
  const T dc = D[c];
  const Stencil7<T> v{u[c], u[c - 1], u[c + 1], u[c - sy], u[c + sy], u[c - sz], u[c + sz]};
  const Faces6<T> f{face_diffusivity(dc, D[c - 1]),  face_diffusivity(dc, D[c + 1]),
                    face_diffusivity(dc, D[c - sy]), face_diffusivity(dc, D[c + sy]),
                    face_diffusivity(dc, D[c - sz]), face_diffusivity(dc, D[c + sz])};
  return flux_divergence(v, f, ih2);
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
  const Stencil7<T> v{u[c], u[c - 1], u[c + 1], u[c - sy], u[c + sy], u[c - sz], u[c + sz]};
  const Faces6<T> open{open_face(D, c - 1),  open_face(D, c + 1),  open_face(D, c - sy),
                       open_face(D, c + sy), open_face(D, c - sz), open_face(D, c + sz)};
  return flux_divergence(v, open, ih2d);
}

/// What the launchers may know of a species' diffusivity beyond its D array (the CUDA launchers
/// use d alone, reading the D array for the rest):
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

/// One forward Euler step of a voxel of value uc and label, the whole voxel update of the explicit
/// scheme:
///   u⁺ = uc + dt·(div + rate)   in tissue, div = ∇·(D∇u) and rate [conc/s] the net reaction rate
///                               there;
///   u⁺ = value                  where the vessel table holds the voxel;
///   u⁺ = uc                     outside the tissue (div is not used there nor at held voxels).
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T explicit_value(T uc, T div, std::uint8_t label,
                                                 const VesselTable<T>& held, T dt, T rate) {
  if (!is_tissue(label)) return uc;
  if (held.holds(label)) return held.value[label];
  return uc + dt * (div + rate);
}

/// explicit_value at voxel c of the padded array u; D = nullptr marks a local field (no
/// diffusion term). The divergence is computed only where it is used.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T explicit_voxel(const T* __restrict__ u, const T* __restrict__ D,
                                                 std::uint8_t label, const VesselTable<T>& held,
                                                 std::size_t c, std::size_t sy, std::size_t sz,
                                                 InvH2<T> ih2, T dt, T rate) {
  const bool used = D && is_tissue(label) && !held.holds(label);
  return explicit_value(u[c], used ? diffusion_divergence(u, D, c, sy, sz, ih2) : T(0), label, held,
                        dt, rate);
}

/// 1 for a tissue voxel, 0 outside [–]: the explicit update as a multiplier instead of a branch,
/// u⁺ = u + (w·dt)·(∇·(D∇u) + rate), exactly u + dt·(…) in tissue (w·dt = dt) and u outside.
/// (Compared as an int, not through is_tissue's bool: GCC vectorizes the loop only so.)
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T tissue_weight(std::uint8_t label) {
  return T(label != kOutsideVoxel);
}

}  // namespace lobule

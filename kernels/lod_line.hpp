/// Locally one-dimensional (LOD) implicit diffusion as BioFVM does it: one backward Euler
/// solve (I − dt·A_a)·u_new = u_old per axis a, each a batch of independent tridiagonal
/// systems, one per grid line. Per-line formulas shared by both backends.
#pragma once
#include <cstddef>
#include <cstdint>

#include "boundary.hpp"
#include "diffusion_stencil.hpp"
#include "rd_macros.hpp"
#include "vessels.hpp"

namespace lobule {

/// The domain faces at the two ends of the lines along one axis.
template <class T>
struct LineEnds {
  BoundaryKind lo = BoundaryKind::NoFlux, hi = BoundaryKind::NoFlux;
  T v_lo = 0, v_hi = 0;  ///< Dirichlet values at the faces [conc]
};

template <class T>
inline LineEnds<T> line_ends(const BoundarySet<T>& bc, int axis) {
  return {bc.kind[2 * axis], bc.kind[2 * axis + 1], bc.value[2 * axis], bc.value[2 * axis + 1]};
}

/// One row a·δ_{m−1} + b·δ_m + c·δ_{m+1} = d of a line's system for the increment δ.
template <class T>
struct TriRow {
  T a, b, c, d;
};

/// Row m of the backward Euler step (I − r·A)·u⁺ = u on a line of n voxels at c0 + m·s,
/// r = dt/h² [s/µm²], written for the increment δ = u⁺ − u:
///   −r·D₋·δ_{m−1} + (1 + r·(D₋ + D₊))·δ_m − r·D₊·δ_{m+1} = r·D₋·(u_{m−1} − u_m) + r·D₊·(u_{m+1} −
///   u_m),
/// D± the harmonic-mean face diffusivities. The right side is built from differences, so it is
/// exactly zero where u is uniform: rounding then scales with the change, not with u, which keeps
/// float runs of many long steps from drifting. At the line's ends: no_flux drops the face;
/// dirichlet takes the ghost value 2V − u⁺_m (2·r·D_m on the diagonal, 2·r·D_m·(V − u_m) on the
/// right, as the halo fill does); periodic couples to the far end (corners a_0 and c_{n−1}).
/// A voxel held by the vessel table has the row δ_m = value − u_m.
template <class T>
RD_HOST_DEVICE RD_FORCEINLINE TriRow<T> lod_row(const T* __restrict__ u, const T* __restrict__ D,
                                                const std::uint8_t* __restrict__ label,
                                                std::size_t c0, std::size_t s, int m, int n, T r,
                                                const LineEnds<T>& e, const VesselTable<T>& vt) {
  const std::size_t c = c0 + std::size_t(m) * s;
  const std::uint8_t lab = label[c];
  const T uc = u[c];
  if (vt.holds(lab)) return {T(0), T(1), T(0), vt.value[lab] - uc};
  const T dc = D[c];
  TriRow<T> w{T(0), T(1), T(0), T(0)};
  const std::size_t wrap = std::size_t(n - 1) * s;
  if (m > 0 || e.lo == BoundaryKind::Periodic) {
    const std::size_t q = m > 0 ? c - s : c + wrap;
    const T f = r * face_diffusivity(dc, D[q]);
    w.a = -f;
    w.b += f;
    w.d += f * (u[q] - uc);
  } else if (e.lo == BoundaryKind::Dirichlet) {
    w.b += T(2) * r * dc;
    w.d += T(2) * r * dc * (e.v_lo - uc);
  }
  if (m < n - 1 || e.hi == BoundaryKind::Periodic) {
    const std::size_t q = m < n - 1 ? c + s : c - wrap;
    const T f = r * face_diffusivity(dc, D[q]);
    w.c = -f;
    w.b += f;
    w.d += f * (u[q] - uc);
  } else if (e.hi == BoundaryKind::Dirichlet) {
    w.b += T(2) * r * dc;
    w.d += T(2) * r * dc * (e.v_hi - uc);
  }
  return w;
}

/// u⁺ = u + δ at voxel c (the held value itself where the vessel table holds the voxel).
template <class T>
RD_HOST_DEVICE RD_FORCEINLINE T lod_update(T u, T delta, std::uint8_t lab,
                                           const VesselTable<T>& vt) {
  return vt.holds(lab) ? vt.value[lab] : u + delta;
}

/// Thomas algorithm for δ on a line with no corner entries; cp and dp (same layout as u) hold
/// the eliminated super-diagonal and right side; u stays unchanged until the backward sweep
/// adds δ. The system is strictly diagonally dominant (b ≥ 1 + |a| + |c|): no pivoting.
template <class T>
RD_HOST_DEVICE inline void lod_thomas(T* __restrict__ u, const T* __restrict__ D,
                                      const std::uint8_t* __restrict__ label, std::size_t c0,
                                      std::size_t s, int n, T r, const LineEnds<T>& e,
                                      const VesselTable<T>& vt, T* __restrict__ cp,
                                      T* __restrict__ dp) {
  T c_prev = T(0), d_prev = T(0);
  for (int m = 0; m < n; ++m) {
    const TriRow<T> w = lod_row(u, D, label, c0, s, m, n, r, e, vt);
    const T den = w.b - w.a * c_prev;
    c_prev = w.c / den;
    d_prev = (w.d - w.a * d_prev) / den;
    const std::size_t c = c0 + std::size_t(m) * s;
    cp[c] = c_prev;
    dp[c] = d_prev;
  }
  T delta = d_prev;
  for (int m = n - 1; m >= 0; --m) {
    const std::size_t c = c0 + std::size_t(m) * s;
    if (m < n - 1) delta = dp[c] - cp[c] * delta;
    u[c] = lod_update(u[c], delta, label[c], vt);
  }
}

/// A periodic line (n ≥ 2): the cyclic system A·δ = d by Sherman–Morrison. With the corners
/// β = a_0 (row 0 on δ_{n−1}), α = c_{n−1} (row n−1 on δ_0) and γ = −b_0, solve with the
/// tridiagonal B (b_0 − γ, b_{n−1} − αβ/γ): B·y = d and B·z = (γ, 0, …, 0, α)ᵀ, then
/// δ = y − z·(y_0 + β·y_{n−1}/γ)/(1 + z_0 + β·z_{n−1}/γ). dp holds y, zp holds z.
template <class T>
RD_HOST_DEVICE inline void lod_cyclic(T* __restrict__ u, const T* __restrict__ D,
                                      const std::uint8_t* __restrict__ label, std::size_t c0,
                                      std::size_t s, int n, T r, const LineEnds<T>& e,
                                      const VesselTable<T>& vt, T* __restrict__ cp,
                                      T* __restrict__ dp, T* __restrict__ zp) {
  const std::size_t last = c0 + std::size_t(n - 1) * s;
  const TriRow<T> first = lod_row(u, D, label, c0, s, 0, n, r, e, vt);
  const T beta = first.a, gamma = -first.b;
  const T alpha = lod_row(u, D, label, c0, s, n - 1, n, r, e, vt).c;
  T c_prev = T(0), d_prev = T(0), z_prev = T(0);
  for (int m = 0; m < n; ++m) {
    TriRow<T> w = lod_row(u, D, label, c0, s, m, n, r, e, vt);
    T rhs_z = T(0);
    if (m == 0) {
      w.a = T(0);
      w.b -= gamma;
      rhs_z = gamma;
    }
    if (m == n - 1) {
      w.c = T(0);
      w.b -= alpha * beta / gamma;
      rhs_z = alpha;
    }
    const T den = w.b - w.a * c_prev;
    c_prev = w.c / den;
    d_prev = (w.d - w.a * d_prev) / den;
    z_prev = (rhs_z - w.a * z_prev) / den;
    const std::size_t c = c0 + std::size_t(m) * s;
    cp[c] = c_prev;
    dp[c] = d_prev;
    zp[c] = z_prev;
  }
  T y = d_prev, z = z_prev;
  for (int m = n - 2; m >= 0; --m) {
    const std::size_t c = c0 + std::size_t(m) * s;
    y = dp[c] - cp[c] * y;
    z = zp[c] - cp[c] * z;
    dp[c] = y;
    zp[c] = z;
  }
  const T f = (y + beta * dp[last] / gamma) / (T(1) + z + beta * zp[last] / gamma);
  for (int m = 0; m < n; ++m) {
    const std::size_t c = c0 + std::size_t(m) * s;
    u[c] = lod_update(u[c], dp[c] - f * zp[c], label[c], vt);
  }
}

/// Backward Euler along one line: u ← (I − r·A)⁻¹·u, solved for the increment. cp, dp and zp are
/// scratch arrays in the same layout as u (zp only for periodic lines). A periodic line of one
/// voxel exchanges only with itself: nothing changes but a held value.
template <class T>
RD_HOST_DEVICE inline void lod_solve_line(T* __restrict__ u, const T* __restrict__ D,
                                          const std::uint8_t* __restrict__ label, std::size_t c0,
                                          std::size_t s, int n, T r, const LineEnds<T>& e,
                                          const VesselTable<T>& vt, T* __restrict__ cp,
                                          T* __restrict__ dp, T* __restrict__ zp) {
  if (e.lo != BoundaryKind::Periodic) {
    lod_thomas(u, D, label, c0, s, n, r, e, vt, cp, dp);
  } else if (n > 1) {
    lod_cyclic(u, D, label, c0, s, n, r, e, vt, cp, dp, zp);
  } else if (vt.holds(label[c0])) {
    u[c0] = vt.value[label[c0]];
  }
}

}  // namespace lobule

/// Scar-hindered diffusivity recomputed from a driver field, shared by both backends.
#pragma once
#include <cstddef>
#include <cstdint>

#include "rd_macros.hpp"
#include "voxel_class.hpp"

namespace lobule {

/// Up to four fields whose sum C drives D = D_free/(1 + C/C_half); the pointers address
/// the padded layout on the device that runs the kernel.
template <class T>
struct DiffusivityDriverView {
  const T* field[4] = {};
  int n = 0;         ///< fields in use; 0 = constant diffusivity
  T d_free = 0;      ///< D_free [µm²/s]
  T inv_c_half = 0;  ///< 1/C_half [1/conc]
};

/// D = D_free/(1 + C/C_half) [µm²/s] for a driver concentration C ≥ 0 (clamped at 0 so that
/// round-off below zero never raises D above D_free).
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T hindered_diffusivity(T d_free, T C, T inv_c_half) {
  return d_free / (T(1) + (C > T(0) ? C : T(0)) * inv_c_half);
}

/// Diffusivity of voxel c: 0 outside the tissue, else the hindered value.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T driven_diffusivity(const DiffusivityDriverView<T>& d,
                                                     const std::uint8_t* label, std::size_t c) {
  if (!is_tissue(label[c])) return T(0);
  T C = T(0);
  for (int f = 0; f < d.n; ++f) C += d.field[f][c];
  return hindered_diffusivity(d.d_free, C, d.inv_c_half);
}

}  // namespace lobule

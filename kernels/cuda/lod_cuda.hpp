/// CUDA launchers of the LOD line solves: one thread per line with the lines of a warp
/// side by side in x, so every load and store of a sweep is coalesced. Lines along x are
/// solved as y lines of the x↔y transposed box.
#pragma once
#include <cstdint>

#include "../grid.hpp"
#include "../lod_line.hpp"

namespace lobule::cuda {

/// The box with x and y exchanged (same padded size).
inline Box transposed_xy(const Box& b) {
  return Box{b.ny, b.nx, b.nz, b.oy, b.ox, b.oz, b.gy, b.gx, b.gz};
}

/// out(j, i, k) on transposed_xy(b) = in(i, j, k) on b, interior voxels only.
template <class T>
void transpose_xy(const Box& b, const T* in, T* out);

/// u ← (I − r·A_axis)⁻¹·u on every line along axis 1 (y) or 2 (z) of box b; cp, dp and zp are
/// scratch arrays of the padded size.
template <class T>
void lod_sweep_yz(const Box& b, int axis, T r, const LineEnds<T>& ends, const VesselTable<T>& held,
                  T* u, const T* D, const std::uint8_t* label, T* cp, T* dp, T* zp);

/// The same along x: u and D are transposed into u_t and D_t, swept as y lines with the
/// transposed labels label_t, and u_t is transposed back into u.
template <class T>
void lod_sweep_x(const Box& b, T r, const LineEnds<T>& ends, const VesselTable<T>& held, T* u,
                 const T* D, const std::uint8_t* label_t, T* u_t, T* D_t, T* cp, T* dp, T* zp);

}  // namespace lobule::cuda

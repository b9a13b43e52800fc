/// OpenMP launcher of the LOD line solves (lines in parallel, one backward Euler sweep).
#pragma once
#include <cstdint>

#include "../grid.hpp"
#include "../lod_line.hpp"

namespace lobule::cpu {

/// u ← (I − r·A_axis)⁻¹·u on every line along `axis` (0 = x), r = dt/h_axis² [s/µm²].
/// D needs no halo; cp, dp and zp are scratch arrays of the padded size.
template <class T>
void lod_sweep(const Box& b, int axis, T r, const LineEnds<T>& ends, const VesselTable<T>& held,
               T* u, const T* D, const std::uint8_t* label, T* cp, T* dp, T* zp);

}  // namespace lobule::cpu

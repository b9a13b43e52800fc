/// The device side of Backend::explicit_lowest: each explicit kernel notes the values it writes.
#pragma once
#include "../rd_macros.hpp"

namespace lobule::cuda {

/// *lowest = min(*lowest, v) for v < 0 (nothing when lowest is nullptr), *lowest starting at 0:
/// negative values order inversely to their bit patterns read as unsigned integers, so the
/// largest pattern is the lowest value. No atomic for a value ≥ 0: the common case costs nothing.
__device__ RD_FORCEINLINE void note_lowest(float v, float* lowest) {
  if (lowest && v < 0.0f) atomicMax(reinterpret_cast<unsigned*>(lowest), __float_as_uint(v));
}
__device__ RD_FORCEINLINE void note_lowest(double v, double* lowest) {
  if (lowest && v < 0.0)
    atomicMax(reinterpret_cast<unsigned long long*>(lowest),
              static_cast<unsigned long long>(__double_as_longlong(v)));
}

}  // namespace lobule::cuda

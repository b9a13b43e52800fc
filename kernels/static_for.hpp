/// static_for<N>(f): f(q) for q = 0 … N−1 with q a compile-time constant
/// (std::integral_constant), written out as N calls rather than a loop. Per-field arrays indexed
/// by q then stay in registers, and a loop over voxels around the calls vectorizes: GCC unrolls
/// no loop of more than 16 iterations by itself, and splits a loop over fields into library
/// calls (memset, memcpy) before it would.
#pragma once
#include <type_traits>
#include <utility>

#include "rd_macros.hpp"

namespace lobule {

/// The compile-time index Q as static_for passes it.
template <int Q>
using Index = std::integral_constant<int, Q>;

template <class F, int... Q>
RD_HOST_DEVICE RD_ALWAYS_INLINE void static_for_each(F&& f, std::integer_sequence<int, Q...>) {
  (f(std::integral_constant<int, Q>{}), ...);
}

template <int N, class F>
RD_HOST_DEVICE RD_ALWAYS_INLINE void static_for(F&& f) {
  static_for_each(f, std::make_integer_sequence<int, N>{});
}

}  // namespace lobule

/// Lanes<T, B>: B bytes of T values (B / sizeof(T) voxels of a row) that a per-voxel formula
/// written for T computes all at once: + − × ÷ elementwise, comparisons giving a LaneMask,
/// select(mask, a, b), a scalar wherever a lane value goes (it is broadcast). Built on GCC's
/// vector extensions, so each operation is the IEEE operation of the scalar formula: the lanes
/// hold the same bits as the formula voxel by voxel (no fused multiply-adds where the target has
/// none; the CPU builds keep it that way). The compiler maps B = 16 to SSE2 and B = 32 to AVX2
/// registers (two SSE2 registers without AVX).
///
/// Used where GCC does not vectorize a loop over voxels by itself: the liver model's rates, a
/// long formula with selects, which GCC turns into branches and memory copies.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "../rd_macros.hpp"

namespace lobule::cpu {

/// The signed integer of T's size: the element of T's lane masks.
template <class T>
using LaneInt = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;

/// A comparison of lanes: all bits set in a lane where it holds.
template <class T, int B>
struct LaneMask {
  typedef LaneInt<T> V __attribute__((vector_size(B)));
  V m;
  friend RD_ALWAYS_INLINE LaneMask operator||(LaneMask a, LaneMask b) { return {a.m | b.m}; }
  friend RD_ALWAYS_INLINE LaneMask operator&&(LaneMask a, LaneMask b) { return {a.m & b.m}; }
};

template <class T, int B>
struct Lanes {
  static constexpr int kCount = B / int(sizeof(T));
  typedef T V __attribute__((vector_size(B)));
  V v;

  Lanes() = default;
  // A scalar is every lane's value (s − 0 is s to the bit; GCC folds it, not 0 + s, which is +0
  // for s = −0).
  RD_ALWAYS_INLINE Lanes(T s) : v(s - V{}) {}  // NOLINT: implicit, as a scalar in a formula
  /// kCount values from p (no alignment needed).
  static RD_ALWAYS_INLINE Lanes load(const T* p) {
    Lanes r;
    std::memcpy(&r.v, p, sizeof r.v);
    return r;
  }
  RD_ALWAYS_INLINE void store(T* p) const { std::memcpy(p, &v, sizeof v); }

  friend RD_ALWAYS_INLINE Lanes operator+(Lanes a, Lanes b) {
    a.v = a.v + b.v;
    return a;
  }
  friend RD_ALWAYS_INLINE Lanes operator-(Lanes a, Lanes b) {
    a.v = a.v - b.v;
    return a;
  }
  friend RD_ALWAYS_INLINE Lanes operator*(Lanes a, Lanes b) {
    a.v = a.v * b.v;
    return a;
  }
  friend RD_ALWAYS_INLINE Lanes operator/(Lanes a, Lanes b) {
    a.v = a.v / b.v;
    return a;
  }
  RD_ALWAYS_INLINE Lanes& operator+=(Lanes b) { return v += b.v, *this; }
  friend RD_ALWAYS_INLINE LaneMask<T, B> operator<(Lanes a, Lanes b) { return {a.v < b.v}; }
  friend RD_ALWAYS_INLINE LaneMask<T, B> operator>(Lanes a, Lanes b) { return {a.v > b.v}; }
};

template <class T, int B>
RD_ALWAYS_INLINE Lanes<T, B> select(LaneMask<T, B> c, Lanes<T, B> a, Lanes<T, B> b) {
  a.v = c.m ? a.v : b.v;
  return a;
}

/// Labels of kCount voxels as integers of T's size, for comparisons that give LaneMasks.
template <class T, int B>
struct LaneLabels {
  typedef LaneInt<T> V __attribute__((vector_size(B)));
  V v;

  static RD_ALWAYS_INLINE LaneLabels load(const std::uint8_t* p) {
    typedef std::uint8_t Bytes __attribute__((vector_size(B / sizeof(T))));
    Bytes b;
    std::memcpy(&b, p, sizeof b);
    return {__builtin_convertvector(b, V)};
  }
  friend RD_ALWAYS_INLINE LaneMask<T, B> operator==(LaneLabels a, int x) {
    return {a.v == LaneInt<T>(x)};
  }
  friend RD_ALWAYS_INLINE LaneMask<T, B> operator!=(LaneLabels a, int x) {
    return {a.v != LaneInt<T>(x)};
  }
};

/// kCount floats from p as lanes of T (the liver's zone coordinate is stored as float).
template <class T, int B>
RD_ALWAYS_INLINE Lanes<T, B> load_as(const float* p) {
  typedef float F __attribute__((vector_size(B / sizeof(T) * sizeof(float))));
  F f;
  std::memcpy(&f, p, sizeof f);
  Lanes<T, B> r;
  r.v = __builtin_convertvector(f, typename Lanes<T, B>::V);
  return r;
}

}  // namespace lobule::cpu

/// Counter-based random numbers: a value is a pure function of (seed, keys), so generated
/// geometry is the same for any thread count and any evaluation order.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>

namespace lobule {

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mix.
inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// Hash of a seed and a list of integer keys (order matters).
inline std::uint64_t hash_keys(std::uint64_t seed, std::initializer_list<std::int64_t> keys) {
  std::uint64_t h = splitmix64(seed);
  for (std::int64_t k : keys) h = splitmix64(h ^ std::uint64_t(k));
  return h;
}

/// Uniform number in [0, 1) from (seed, keys).
inline double hash_uniform(std::uint64_t seed, std::initializer_list<std::int64_t> keys) {
  return double(hash_keys(seed, keys) >> 11) * 0x1.0p-53;
}

/// Uniform number in [-1, 1) from (seed, keys).
inline double hash_signed(std::uint64_t seed, std::initializer_list<std::int64_t> keys) {
  return 2 * hash_uniform(seed, keys) - 1;
}

/// A Poisson-distributed count of mean `mean` ≥ 0 from (seed, keys): the sum of draws of mean at
/// most 500 (a sum of independent Poisson counts is Poisson), each by inversion of its CDF from
/// one uniform number (Devroye 1986, ch. X.3), so a count is a pure function of its keys.
inline std::int64_t hash_poisson(double mean, std::uint64_t seed,
                                 std::initializer_list<std::int64_t> keys) {
  const std::uint64_t base = hash_keys(seed, keys);
  std::int64_t n = 0;
  for (std::uint64_t part = 0; mean > 0; ++part) {
    const double m = std::min(mean, 500.0);
    mean -= m;
    const double u = double(splitmix64(base ^ part) >> 11) * 0x1.0p-53;
    // P(k) = e^{−m}·m^k/k!; the last k is bounded where rounding could keep the sum below u.
    const double last = m + 40 * std::sqrt(m) + 40;
    double pk = std::exp(-m), F = pk;
    std::int64_t k = 0;
    while (u >= F && k < last) {
      ++k;
      pk *= m / double(k);
      F += pk;
    }
    n += k;
  }
  return n;
}

}  // namespace lobule

/// Counter-based random numbers: a value is a pure function of (seed, keys), so generated
/// geometry is the same for any thread count and any evaluation order.
#pragma once
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

}  // namespace lobule

/// Label counts and names of a geometry, for `lobule check` and the tests.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "geometry.hpp"

namespace lobule {

/// Output name of a label ("parenchyma", ..., "outside"), or nullptr for an unknown value.
const char* label_name(std::uint8_t label);

/// Number of voxels per label value.
struct LabelCounts {
  std::array<std::size_t, 256> count{};
  std::size_t total = 0;
  std::size_t tissue() const { return total - count[kOutside]; }
  /// Fraction of the tissue (every voxel but outside) that has label l.
  double tissue_fraction(std::uint8_t l) const {
    return tissue() ? double(count[l]) / double(tissue()) : 0.0;
  }
};

LabelCounts count_labels(const Geometry& g);

}  // namespace lobule

/// The voxel classes the kernels act on: outside voxels are masked (no flux, no reaction);
/// every other label is tissue, and a species may hold the voxels of some labels (vessels.hpp).
/// The tissue composition of a voxel (TissueWeights) tells a model where its cells live.
#pragma once
#include <cstdint>

#include "rd_macros.hpp"
#include "select.hpp"

namespace lobule {

/// Label of voxels outside the tissue (geometry/labels.hpp names it kOutside).
inline constexpr std::uint8_t kOutsideVoxel = 255;

/// Tissue class of a voxel (table in docs/geometry.md). Values are part of the output
/// format: do not renumber.
enum Label : std::uint8_t {
  kParenchyma = 0,
  kSinusoid = 1,
  kPortalVein = 2,
  kHepaticArtery = 3,
  kBileDuct = 4,
  kCentralVein = 5,
  kPortalTract = 6,
  kSeptum = 7,
  kOutside = kOutsideVoxel,  ///< not tissue: masked, no flux
};

/// True for a voxel that belongs to the tissue.
RD_HOST_DEVICE RD_FORCEINLINE bool is_tissue(std::uint8_t label) {
  return label != kOutsideVoxel;
}

/// What a voxel's volume holds, as shares of it (V: one voxel's T, or lanes of a row):
///   cell     — the cell-bearing part (parenchyma, portal-tract stroma, septum) [0..1]
///   sinusoid — the sinusoid lumen, which exchanges with blood [0..1]
///   tract    — the portal-tract share of the cell-bearing part [0..1]
/// From the geometry's volume fractions where it has them (geometry/volume_fractions.hpp:
/// cell = f_par + f_tract + f_septum, sinusoid = f_sin, tract = f_tract/cell), otherwise from
/// the label alone: the label physics, where a sinusoid voxel holds cells and exchanges with
/// blood at once (cell = 1 for labels 0, 1, 6, 7; sinusoid = 1 for label 1; tract = 1 for 6).
template <class V>
struct TissueWeights {
  V cell, sinusoid, tract;
};

/// The label physics' weights of a voxel (one label, or lanes of labels).
template <class V, class L>
RD_HOST_DEVICE RD_ALWAYS_INLINE TissueWeights<V> label_weights(const L& label) {
  const V one = V(1), zero = V(0);
  return {select(label == kParenchyma || label == kSinusoid || label == kPortalTract ||
                     label == kSeptum,
                 one, zero),
          select(label == kSinusoid, one, zero), select(label == kPortalTract, one, zero)};
}

}  // namespace lobule

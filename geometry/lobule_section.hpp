/// The z-invariant part of a hex lobule: vessels, portal tracts, septa and the zone
/// coordinate at a point of the tiling's cross-section (sinusoids are added in 3D).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "geometry_params.hpp"
#include "hex_tiling.hpp"

namespace lobule {

/// Stage-dependent sizes of the portal tracts and septa [µm].
struct FibrosisShape {
  int stage = 0;
  double tract_radius = 0;  ///< F0: portal.tract_radius; F1..F4: 1.5 × that (fibrous expansion)
  double spur_width = 0;    ///< periportal spurs along the edges: F1 0.5×, F2 0.75× septum_width
  double septum_width = 0;  ///< bridging and nodular septa (F3, F4)
  double nodule_spacing = 0;  ///< F4: mean distance between regenerative nodule centres
};

/// Sizes for a stage, as documented in docs/geometry.md.
FibrosisShape fibrosis_shape(const GeometryConfig& g);

/// Label and zone of one cross-section point.
struct SectionSample {
  std::uint8_t label = 0;
  float zone = 0;
};

/// A vessel's axis in the cross-section: its centre [µm, tiling frame] and label.
struct VesselAxis {
  Vec2 centre{};
  std::uint8_t label = 0;
};

/// Evaluates the cross-section of a tiling; cheap, thread-safe, deterministic.
class LobuleSection {
 public:
  explicit LobuleSection(const GeometryConfig& g);
  /// Label (outside, central vein, triad vessels, portal tract, septum or parenchyma) and
  /// zone = d_p/(d_p + d_c) at point p of the tiling frame [µm].
  SectionSample at(Vec2 p) const;
  const HexTiling& tiling() const { return t_; }
  /// The axes of every held vessel of the tiling (central veins, portal veins, hepatic
  /// arteries; not bile ducts): the hepatic arteries first, the central veins last.
  std::vector<VesselAxis> vessel_axes() const;

 private:
  std::uint8_t triad_label(Vec2 dv, int corner) const;
  bool in_septum(const HexTiling::Cell& c, Vec2 d) const;
  bool in_spur(Vec2 v, Vec2 w, Vec2 p) const;
  bool in_nodule_septum(Vec2 p) const;

  GeometryConfig g_;
  HexTiling t_;
  FibrosisShape f_;
  double artery_offset_ = 0, duct_offset_ = 0;  ///< triad vessel centres from the corner [µm]
};

}  // namespace lobule

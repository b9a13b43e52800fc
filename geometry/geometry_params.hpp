/// The geometry's own parameters (all lengths in µm), filled by host/config from the scenario's
/// geometry section; geometry/ knows no YAML.
#pragma once
#include <array>
#include <string>

namespace lobule {

/// Portal triad at every lobule corner (all radii in µm).
struct PortalConfig {
  double vein_radius = 18;   ///< portal vein, centred on the corner
  double artery_radius = 5;  ///< hepatic arteries, one towards each of the 3 lobules
  double duct_radius = 6;    ///< bile ducts, one along each of the 3 edges
  double tract_radius = 40;  ///< connective-tissue stroma around the triad
};

/// Sinusoid network of a hex lobule.
struct SinusoidConfig {
  double width = 7;             ///< tube diameter [µm]
  double plate_thickness = 25;  ///< hepatocyte plate between neighbouring sinusoids [µm]
  double branching = 0.2;       ///< probability of a side branch per network node
  double cross_links = 0.9;     ///< probability of each tangential / vertical cross-link
  unsigned long long seed = 1;
  bool allow_coarse = false;  ///< accept grid.spacing > width (tubes widened to one voxel)
};

/// Fibrosis stage (METAVIR F0..F4) of a hex lobule.
struct FibrosisConfig {
  int stage = 0;             ///< 0..4
  double septum_width = 30;  ///< [µm]
  unsigned long long seed = 1;
};

struct GeometryConfig {
  std::string kind = "box";      ///< box | hex_lobule | file
  std::array<double, 3> size{};  ///< box edge lengths [µm]
  // kind: hex_lobule (lengths in µm)
  double radius = 300;               ///< lobule centre to corner
  double height = 100;               ///< prism thickness along z
  std::array<int, 2> lobules{1, 1};  ///< honeycomb columns × rows
  bool crop_inner = false;           ///< keep only the largest all-tissue rectangle
  bool periodic_z = true;            ///< sinusoid network periodic in z (and z faces default)
  /// Volume fractions of the tissue classes per voxel, sub-sampled from the analytic lobule
  /// (geometry/volume_fractions.hpp); the physics then reads them instead of the labels.
  bool volume_fractions = false;
  double central_vein_radius = 25;
  PortalConfig portal;
  SinusoidConfig sinusoids;
  FibrosisConfig fibrosis;
  // kind: file
  std::string path;                ///< labelled .vti (resolved against the config's folder)
  std::string array = "label";     ///< its uint8 label cell array
  std::array<double, 3> origin{};  ///< grid corner [µm] (hex_lobule: crop corner; file: the file's)
};

}  // namespace lobule

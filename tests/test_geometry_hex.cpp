// Hex lobule shape: hexagon area, six-fold symmetry, zone along rays, inner crop, grid size.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "geometry/geometry_stats.hpp"
#include "geometry/hex_tiling.hpp"
#include "geometry/lobule_section.hpp"
#include "support/geometry_support.hpp"

namespace lobule {
namespace {

using test::figure;
using test::hex_config;

constexpr double kHexArea = 1.5 * 1.7320508075688772;  // area / R² of a regular hexagon

// Tissue voxels × voxel volume against (3√3/2)·R²·height.
TEST(HexLobule, VoxelCountMatchesHexagonPrismAtFineSpacing) {
  const Config c = hex_config("1 um", "height: \"4 um\"");
  const Geometry g = make_geometry(c);
  const double volume = double(count_labels(g).tissue()) * 1.0 * 1.0 * 1.0;
  const double exact = kHexArea * 300.0 * 300.0 * 4.0;
  const double err = std::abs(volume - exact) / exact;
  figure(fmt::format("hexagon prism volume error at 1 um: {:.4f}%", 100 * err));
  EXPECT_LT(err, 0.02);

  // Still close at the coarse spacing the other tests use.
  const Geometry coarse = make_geometry(hex_config("5 um", "height: \"10 um\""));
  const double err5 = std::abs(double(count_labels(coarse).tissue()) * 125 - kHexArea * 9e4 * 10) /
                      (kHexArea * 9e4 * 10);
  figure(fmt::format("hexagon prism volume error at 5 um: {:.4f}%", 100 * err5));
  EXPECT_LT(err5, 0.02);
}

TEST(HexLobule, GridIsTheTilingBoundingBox) {
  const Config c = hex_config("5 um", "lobules: [3, 2], height: \"20 um\"");
  // Width R·(0.5 + 1.5·nx) = 1500 um, height √3·R·ny + √3/2·R = 1299 um, 4 planes.
  EXPECT_EQ(c.cells[0], 300);
  EXPECT_EQ(c.cells[1], int(std::ceil(1.7320508075688772 * 300 * 2.5 / 5)));
  EXPECT_EQ(c.cells[2], 4);
  const Geometry g = make_geometry(c);
  EXPECT_EQ(g.voxels(), std::size_t(c.cells[0]) * c.cells[1] * c.cells[2]);
  EXPECT_EQ(g.zone.size(), g.voxels());
}

// Sector s of a voxel: the 60° wedge between the rays to corners s and s+1.
int sector_of(const Geometry& g, const HexTiling& t, int i, int j) {
  const auto x = g.centre(i, j, 0);
  const Vec2 o = t.centre(0, 0);
  double a = std::atan2(x[1] - o[1], x[0] - o[0]);
  if (a < 0) a += 2 * M_PI;
  return std::min(5, int(a / (M_PI / 3)));
}

TEST(HexLobule, SixSectorsAgreeAtF0) {
  const Config c = hex_config("2 um", "height: \"64 um\"");
  const Geometry g = make_geometry(c);
  const HexTiling t = tiling_of(c.geometry);
  std::vector<double> tissue(6), vessel(6), sinusoid(6), large(6);
  for (int k = 0; k < g.box.nz; ++k)
    for (int j = 0; j < g.box.ny; ++j)
      for (int i = 0; i < g.box.nx; ++i) {
        const std::uint8_t l = g.label[g.at(i, j, k)];
        if (l == kOutside) continue;
        const int s = sector_of(g, t, i, j);
        tissue[s] += 1;
        if (l >= kSinusoid && l <= kCentralVein) vessel[s] += 1;
        if (l == kSinusoid) sinusoid[s] += 1;
        if (l >= kPortalVein && l <= kCentralVein) large[s] += 1;
      }
  const double dt = test::max_deviation(tissue), dv = test::max_deviation(vessel);
  figure(fmt::format(
      "F0 sector deviation: tissue {:.2f}%, vessels incl. sinusoids {:.2f}%, "
      "sinusoids {:.2f}%, large vessels {:.2f}%",
      100 * dt, 100 * dv, 100 * test::max_deviation(sinusoid), 100 * test::max_deviation(large)));
  EXPECT_LT(dt, 0.05);
  EXPECT_LT(dv, 0.05);
  EXPECT_LT(test::max_deviation(large), 0.05);
}

// Zone along straight rays from a corner and from an edge midpoint to the centre: 0 in the
// tract, 1 in the central vein, and never decreasing on the way.
TEST(HexLobule, ZoneRisesFromPortalToCentral) {
  const Config c = hex_config("2 um", "height: \"4 um\"");
  const Geometry g = make_geometry(c);
  const HexTiling t = tiling_of(c.geometry);
  const Vec2 o = t.centre(0, 0);
  double worst = 0;
  for (int r = 0; r < 12; ++r) {
    const Vec2 a = r < 6 ? t.corner(0, 0, r)
                         : Vec2{0.5 * (t.corner(0, 0, r % 6)[0] + t.corner(0, 0, (r + 1) % 6)[0]),
                                0.5 * (t.corner(0, 0, r % 6)[1] + t.corner(0, 0, (r + 1) % 6)[1])};
    float prev = -1;
    const int n = 400;
    for (int s = 1; s < n; ++s) {
      const double f = double(s) / n;
      const double x = a[0] + f * (o[0] - a[0]), y = a[1] + f * (o[1] - a[1]);
      const int i = std::clamp(int((x - g.origin[0]) / g.spacing[0]), 0, g.box.nx - 1);
      const int j = std::clamp(int((y - g.origin[1]) / g.spacing[1]), 0, g.box.ny - 1);
      const std::size_t v = g.at(i, j, 0);
      if (g.label[v] == kOutside) continue;
      const float z = g.zone[v];
      if (prev >= 0) worst = std::max(worst, double(prev - z));
      prev = z;
      if (g.label[v] == kCentralVein) {
        EXPECT_FLOAT_EQ(z, 1.0f);
      }
      if (r < 6 && g.label[v] == kPortalVein) {
        EXPECT_FLOAT_EQ(z, 0.0f);
      }
    }
    EXPECT_FLOAT_EQ(prev, 1.0f) << "ray " << r << " ends in the central vein";
  }
  figure(fmt::format("largest zone decrease along 12 rays (voxel sampling): {:.2e}", worst));
  EXPECT_LE(worst, 0.0);
}

TEST(HexLobule, ZoneThirdsCoverTheLobule) {
  const Geometry g = make_geometry(hex_config("5 um", "height: \"5 um\""));
  std::vector<double> third(3);
  double tissue = 0;
  for (std::size_t v = 0; v < g.voxels(); ++v)
    if (g.label[v] != kOutside) third[std::min(2, int(g.zone[v] * 3))] += 1, tissue += 1;
  figure(fmt::format("zone 1/2/3 voxel shares: {:.0f} / {:.0f} / {:.0f}", third[0], third[1],
                     third[2]));
  for (double n : third) EXPECT_GT(n, 0.1 * tissue);
}

TEST(HexLobule, InnerCropKeepsOnlyTissue) {
  for (const char* lobules : {"[1, 1]", "[3, 2]"}) {
    const Config c =
        hex_config("5 um", fmt::format("lobules: {}, crop: inner, height: \"10 um\"", lobules));
    const Geometry g = make_geometry(c);
    const LabelCounts n = count_labels(g);
    EXPECT_EQ(n.count[kOutside], 0u) << lobules;
    if (std::string(lobules) == "[1, 1]") {
      // The largest rectangle in a flat-top hexagon is R wide and 2·apothem high (area √3·R²);
      // on voxels it may be up to half a voxel larger on each side.
      const double area = g.box.nx * 5.0 * g.box.ny * 5.0, best = 1.7320508075688772 * 9e4;
      figure(fmt::format("1 x 1 inner crop: {} x {} um, {:.2f}% of the continuous optimum",
                         g.box.nx * 5, g.box.ny * 5, 100 * area / best));
      EXPECT_NEAR(area / best, 1.0, 0.03);
    } else {
      const Config full = hex_config("5 um", "lobules: [3, 2], height: \"10 um\"");
      figure(fmt::format(
          "3 x 2 inner crop keeps {:.1f}% of the tiling's tissue",
          100.0 * double(n.tissue()) / double(count_labels(make_geometry(full)).tissue())));
      EXPECT_GT(n.tissue(), 0.6 * count_labels(make_geometry(full)).tissue());
    }
  }
}

}  // namespace
}  // namespace lobule

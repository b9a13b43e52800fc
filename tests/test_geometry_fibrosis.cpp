// Fibrosis stages F0..F4 and honeycomb tiling: septa, portal tracts, nodules, shared triads.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "geometry/geometry_stats.hpp"
#include "support/geometry_support.hpp"

namespace lobule {
namespace {

using test::figure;
using test::hex_config;

Geometry staged(int stage, const char* lobules = "[1, 1]", const char* spacing = "4 um") {
  return make_geometry(hex_config(
      spacing,
      fmt::format("height: \"8 um\", lobules: {}, fibrosis: {{stage: F{}}}", lobules, stage)));
}

// Number of 4-connected components in plane 0 of the voxels whose label satisfies `in`.
template <class In>
int components_in_plane(const Geometry& g, In in) {
  const Box& b = g.box;
  std::vector<int> seen(std::size_t(b.nx) * b.ny, 0);
  int n = 0;
  std::vector<std::size_t> stack;
  for (std::size_t s = 0; s < seen.size(); ++s) {
    if (seen[s] || !in(g.label[s])) continue;
    ++n;
    stack.assign(1, s);
    seen[s] = n;
    while (!stack.empty()) {
      const std::size_t v = stack.back();
      stack.pop_back();
      const int i = int(v % b.nx), j = int(v / b.nx);
      const int nb[4][2] = {{i - 1, j}, {i + 1, j}, {i, j - 1}, {i, j + 1}};
      for (const auto& p : nb) {
        if (p[0] < 0 || p[0] >= b.nx || p[1] < 0 || p[1] >= b.ny) continue;
        const std::size_t w = std::size_t(p[1]) * b.nx + p[0];
        if (!seen[w] && in(g.label[w])) seen[w] = n, stack.push_back(w);
      }
    }
  }
  return n;
}

TEST(Fibrosis, EachStageHasMoreSeptumThanTheOneBefore) {
  for (const char* lobules : {"[1, 1]", "[2, 2]"}) {
    std::size_t before = 0;
    std::string line;
    for (int stage = 0; stage <= 4; ++stage) {
      const LabelCounts n = count_labels(staged(stage, lobules));
      line += fmt::format(" F{} {:.2f}%", stage, 100 * n.tissue_fraction(kSeptum));
      if (stage == 0) {
        EXPECT_EQ(n.count[kSeptum], 0u);
      } else {
        EXPECT_GT(n.count[kSeptum], before) << "F" << stage << " " << lobules;
      }
      before = n.count[kSeptum];
    }
    figure(fmt::format("septum fraction of the tissue, {} lobules:{}", lobules, line));
  }
}

TEST(Fibrosis, PortalTractsEnlargeFromF1) {
  const std::size_t f0 = count_labels(staged(0)).count[kPortalTract];
  const std::size_t f1 = count_labels(staged(1)).count[kPortalTract];
  figure(fmt::format("portal tract voxels F0 {} -> F1 {} ({:.2f}x)", f0, f1, double(f1) / f0));
  EXPECT_GT(double(f1), 1.8 * double(f0));  // radius x 1.5: area x 2.25 less the vessels
}

// Septa bridge neighbouring portal tracts along every edge from F3 on, never before.
TEST(Fibrosis, BridgingSeptaRunAlongTheEdgesFromF3) {
  for (int stage = 0; stage <= 4; ++stage) {
    const Config c =
        hex_config("4 um", fmt::format("height: \"8 um\", fibrosis: {{stage: F{}}}", stage));
    const Geometry g = make_geometry(c);
    const HexTiling t = tiling_of(c.geometry);
    const Vec2 o = t.centre(0, 0);
    int bridged = 0;
    for (int e = 0; e < 6; ++e) {
      const Vec2 a = t.corner(0, 0, e), b = t.corner(0, 0, (e + 1) % 6);
      // 5 um inside the midpoint of edge e.
      const Vec2 m{0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1])};
      const double f = 1 - 5 / t.apothem();
      const Vec2 p{o[0] + f * (m[0] - o[0]), o[1] + f * (m[1] - o[1])};
      const int i = int((p[0] - g.origin[0]) / g.spacing[0]);
      const int j = int((p[1] - g.origin[1]) / g.spacing[1]);
      bridged += g.label[g.at(i, j, 0)] == kSeptum;
    }
    EXPECT_EQ(bridged, stage >= 3 ? 6 : 0) << "F" << stage;
  }
}

// F4: septa enclose nodules, so the parenchyma falls apart into many pieces.
TEST(Fibrosis, CirrhosisSplitsTheParenchymaIntoNodules) {
  auto parenchyma = [](std::uint8_t l) { return l == kParenchyma || l == kSinusoid; };
  const int f0 = components_in_plane(staged(0, "[2, 2]"), parenchyma);
  const int f3 = components_in_plane(staged(3, "[2, 2]"), parenchyma);
  const int f4 = components_in_plane(staged(4, "[2, 2]"), parenchyma);
  figure(fmt::format("parenchyma pieces in a 2 x 2 tiling: F0 {}, F3 {}, F4 {}", f0, f3, f4));
  EXPECT_EQ(f0, 1);
  EXPECT_GE(f3, 4);      // bridging septa separate the lobules
  EXPECT_GE(f4, 2 * 4);  // at least two nodules per lobule
  EXPECT_GT(f4, f3);
}

// Neighbours share their corner triads: one portal vein per distinct honeycomb vertex, and at
// a shared vertex its voxels lie in every lobule that meets there.
TEST(Tiling, NeighboursShareCornerTriads) {
  for (const char* lobules : {"[2, 1]", "[2, 2]", "[3, 2]"}) {
    const Config c = hex_config("3 um", fmt::format("height: \"3 um\", lobules: {}", lobules));
    const Geometry g = make_geometry(c);
    const HexTiling t = tiling_of(c.geometry);
    std::map<std::pair<std::int64_t, std::int64_t>, std::pair<Vec2, std::set<int>>> vertices;
    for (int row = 0; row < t.ny; ++row)
      for (int col = 0; col < t.nx; ++col)
        for (int k = 0; k < 6; ++k) {
          const Vec2 v = t.corner(col, row, k);
          auto& entry = vertices[vertex_key(t, v)];
          entry.first = v;
          entry.second.insert(row * t.nx + col);
        }
    const int veins = components_in_plane(g, [](std::uint8_t l) { return l == kPortalVein; });
    figure(fmt::format("{} lobules: {} portal veins, {} distinct corners, {} corners in all",
                       lobules, veins, vertices.size(), 6 * t.lobule_count()));
    EXPECT_EQ(veins, int(vertices.size())) << lobules;
    EXPECT_LT(vertices.size(), std::size_t(6 * t.lobule_count()));
    for (const auto& [key, entry] : vertices) {
      std::set<int> seen;
      for (int j = 0; j < g.box.ny; ++j)
        for (int i = 0; i < g.box.nx; ++i) {
          const auto x = g.centre(i, j, 0);
          if (g.label[g.at(i, j, 0)] != kPortalVein ||
              std::hypot(x[0] - entry.first[0], x[1] - entry.first[1]) > 25)
            continue;
          const HexTiling::Cell cell = t.locate({x[0], x[1]});
          seen.insert(cell.row * t.nx + cell.col);
        }
      EXPECT_EQ(seen, entry.second) << lobules << " vertex " << key.first << "," << key.second;
    }
  }
}

TEST(Tiling, OutsideTheHoneycombIsLabelledOutside) {
  const Config c = hex_config("5 um", "height: \"5 um\", lobules: [3, 2]");
  const Geometry g = make_geometry(c);
  const HexTiling t = tiling_of(c.geometry);
  std::size_t wrong = 0, outside = 0;
  for (int j = 0; j < g.box.ny; ++j)
    for (int i = 0; i < g.box.nx; ++i) {
      const auto x = g.centre(i, j, 0);
      const HexTiling::Cell cell = t.locate({x[0], x[1]});
      const bool in = t.contains(cell.col, cell.row);
      const bool labelled_out = g.label[g.at(i, j, 0)] == kOutside;
      wrong += in == labelled_out;
      outside += labelled_out;
    }
  EXPECT_EQ(wrong, 0u);
  EXPECT_GT(outside, 0u);
}

}  // namespace
}  // namespace lobule

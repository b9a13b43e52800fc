// Sinusoid network: connectivity to the triads and the central vein, volume fraction,
// determinism, and that it is genuinely three-dimensional.
#include <gtest/gtest.h>
#include <omp.h>

#include <tuple>

#include "geometry/geometry_stats.hpp"
#include "support/geometry_support.hpp"

namespace lobule {
namespace {

using test::figure;
using test::hex_config;

bool portal(std::uint8_t l) {
  return l == kPortalVein || l == kHepaticArtery || l == kBileDuct || l == kPortalTract;
}

// Every sinusoid voxel reaches, through 6-connected sinusoid voxels, both a voxel next to a
// portal triad and a voxel next to the central vein (the top and bottom planes touch when the
// lobule is periodic in z). Returns the number that do not.
std::size_t unconnected_sinusoids(const Geometry& g, bool periodic_z) {
  auto sinusoid = [&](std::size_t v) { return g.label[v] == kSinusoid; };
  auto central = [](std::uint8_t l) { return l == kCentralVein; };
  const auto from_portal =
      test::flood_fill(g, test::next_to(g, portal, periodic_z), sinusoid, periodic_z);
  const auto from_central =
      test::flood_fill(g, test::next_to(g, central, periodic_z), sinusoid, periodic_z);
  std::size_t bad = 0;
  for (std::size_t v = 0; v < g.voxels(); ++v)
    bad += sinusoid(v) && !(from_portal[v] && from_central[v]);
  return bad;
}

TEST(Sinusoids, EveryVoxelConnectsToATriadAndTheCentralVein) {
  struct Case {
    const char* spacing;
    const char* extra;
  };
  for (const Case& k : {Case{"3 um", "height: \"66 um\""},
                        Case{"5 um", "height: \"100 um\", periodic_z: false, sinusoids: {seed: 7}"},
                        Case{"7 um", "height: \"70 um\", lobules: [2, 2]"},
                        Case{"2 um", "height: \"34 um\", crop: inner"}}) {
    const Config c = hex_config(k.spacing, k.extra);
    const Geometry g = make_geometry(c);
    const std::size_t n = count_labels(g).count[kSinusoid];
    const std::size_t bad = unconnected_sinusoids(g, c.geometry.periodic_z);
    figure(fmt::format("F0 {} {}: {} sinusoid voxels, {} not connected to both ends", k.spacing,
                       k.extra, n, bad));
    EXPECT_GT(n, 1000u);
    EXPECT_EQ(bad, 0u) << k.spacing << " " << k.extra;
  }
}

// Septa cut sinusoids (capillarization); at F1 and F2 almost all stay connected.
TEST(Sinusoids, PeriportalFibrosisLeavesTheNetworkConnected) {
  for (const char* stage : {"F1", "F2"}) {
    const Geometry g = make_geometry(
        hex_config("4 um", fmt::format("height: \"64 um\", fibrosis: {{stage: {}}}", stage)));
    const std::size_t n = count_labels(g).count[kSinusoid];
    const std::size_t bad = unconnected_sinusoids(g, true);
    figure(fmt::format("{}: {} of {} sinusoid voxels ({:.3f}%) not connected to both ends", stage,
                       bad, n, 100.0 * double(bad) / double(n)));
    EXPECT_LT(double(bad), 0.01 * double(n)) << stage;
  }
}

TEST(Sinusoids, VolumeFractionIsEightToFifteenPercent) {
  for (const char* spacing : {"2 um", "5 um"})
    for (int seed : {1, 2, 3}) {
      const Config c =
          hex_config(spacing, fmt::format("height: \"100 um\", sinusoids: {{seed: {}}}", seed));
      const double f = count_labels(make_geometry(c)).tissue_fraction(kSinusoid);
      figure(fmt::format("sinusoid fraction at {}, seed {}: {:.2f}%", spacing, seed, 100 * f));
      EXPECT_GE(f, 0.08);
      EXPECT_LE(f, 0.15);
    }
}

TEST(Sinusoids, SameSeedSameNetworkForAnyThreadCount) {
  const Config c = hex_config("4 um", "height: \"64 um\", lobules: [2, 1]");
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const Geometry one = make_geometry(c);
  omp_set_num_threads(std::max(2, threads));
  const Geometry many = make_geometry(c);
  omp_set_num_threads(threads);
  EXPECT_EQ(one.label, many.label);
  EXPECT_EQ(one.zone, many.zone);
}

TEST(Sinusoids, DifferentSeedsGiveDifferentNetworks) {
  const Geometry a = make_geometry(hex_config("4 um", "height: \"64 um\", sinusoids: {seed: 1}"));
  const Geometry b = make_geometry(hex_config("4 um", "height: \"64 um\", sinusoids: {seed: 2}"));
  std::size_t both = 0, either = 0;
  for (std::size_t v = 0; v < a.voxels(); ++v) {
    const bool sa = a.label[v] == kSinusoid, sb = b.label[v] == kSinusoid;
    both += sa && sb;
    either += sa || sb;
  }
  const double overlap = double(both) / double(either);
  figure(fmt::format("sinusoid overlap (Jaccard) of seeds 1 and 2: {:.3f}", overlap));
  EXPECT_LT(overlap, 0.5);
}

// Not one slice copied along z: planes a layer apart differ, and vertical tubes exist.
TEST(Sinusoids, NetworkIsThreeDimensional) {
  const Geometry g = make_geometry(hex_config("2 um", "height: \"96 um\""));
  const Box& b = g.box;
  const std::size_t plane = std::size_t(b.nx) * b.ny;
  // Overlap of the sinusoids of planes k1 and k2, over voxels whose zone lies in [lo, hi].
  auto jaccard = [&](int k1, int k2, float lo, float hi) {
    std::size_t both = 0, either = 0;
    for (std::size_t v = 0; v < plane; ++v) {
      if (g.zone[v] < lo || g.zone[v] > hi) continue;
      const bool s1 = g.label[k1 * plane + v] == kSinusoid;
      const bool s2 = g.label[k2 * plane + v] == kSinusoid;
      both += s1 && s2;
      either += s1 || s2;
    }
    return double(both) / double(either);
  };
  // Layers sit 32 um apart: compare the middle planes of layers 0, 1 and 2, over the whole
  // lobule and away from the peripheral ring (which every layer has at its own height).
  for (auto [lo, hi, limit] : {std::tuple{0.0f, 1.0f, 0.5}, std::tuple{0.15f, 0.85f, 0.35}}) {
    const double j01 = jaccard(8, 24, lo, hi), j12 = jaccard(24, 40, lo, hi);
    const double j02 = jaccard(8, 40, lo, hi);
    figure(fmt::format("sinusoid overlap between z layers, zone {}..{}: {:.3f} {:.3f} {:.3f}", lo,
                       hi, j01, j12, j02));
    EXPECT_LT(std::max({j01, j12, j02}), limit);
  }

  // Columns of sinusoid voxels at least one pitch (32 um) tall: vertical cross-links.
  std::size_t runs = 0;
  for (std::size_t v = 0; v < plane; ++v) {
    int run = 0;
    for (int k = 0; k < b.nz; ++k) {
      run = g.label[k * plane + v] == kSinusoid ? run + 1 : 0;
      if (run == 16) ++runs;
    }
  }
  figure(fmt::format("xy columns holding a vertical sinusoid run >= 32 um: {}", runs));
  EXPECT_GT(runs, 500u);
}

}  // namespace
}  // namespace lobule

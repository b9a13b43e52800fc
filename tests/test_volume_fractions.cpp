// Volume fractions (geometry/volume_fractions.hpp) and what the liver model makes of them: they
// sum to one and converge under refinement, a coarse voxel holds what the fine voxels it covers
// hold, the rates with fractional tissue are the 0/1 label rates mixed by the shares, and the CPA
// of a known scar shape is found within a point of its exact value at 30, 10 and 5 µm.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "geometry/geometry_stats.hpp"
#include "geometry/hex_tiling.hpp"
#include "geometry/lobule_section.hpp"
#include "geometry/volume_fractions.hpp"
#include "host/model/liver_fibrosis.hpp"
#include "support/geometry_support.hpp"
#include "support/liver_equations.hpp"

namespace lobule {
namespace {

using test::figure;
using test::hex_config;

// The production lobule's cross-section (plates 25 µm, sinusoids 7 µm), `height` tall.
Config lobule_at(const std::string& spacing, const std::string& height) {
  return hex_config(spacing, "height: \"" + height +
                                 "\", volume_fractions: true, sinusoids: { plate_thickness: \"25 "
                                 "um\", allow_coarse: true }");
}

double sinusoid_share(const Geometry& g) {
  double sin = 0, tissue = 0;
  for (std::size_t v = 0; v < g.voxels(); ++v)
    if (is_tissue(g.label[v])) sin += fraction_of(g, kSinusoid, v), tissue += 1;
  return sin / tissue;
}

TEST(VolumeFractions, SumToOneInEveryVoxelAndConvergeUnderRefinement) {
  double share[3] = {};
  const char* spacing[3] = {"30 um", "10 um", "5 um"};
  for (int r = 0; r < 3; ++r) {
    const Geometry g = make_geometry(lobule_at(spacing[r], "90 um"));
    ASSERT_EQ(g.fraction.size(), std::size_t(kFractionClasses) * g.voxels());
    double worst = 0;
    for (std::size_t v = 0; v < g.voxels(); ++v) {
      double sum = 0;
      for (int l = 0; l < kFractionClasses; ++l) {
        const float f = fraction_of(g, l, v);
        ASSERT_GE(f, 0.0f);
        ASSERT_LE(f, 1.0f);
        sum += f;
      }
      if (is_tissue(g.label[v]))
        worst = std::max(worst, std::abs(sum - 1));
      else
        ASSERT_EQ(sum, 0.0) << "an outside voxel holds tissue";
    }
    EXPECT_LT(worst, 1e-5) << spacing[r];
    share[r] = sinusoid_share(g);
    figure(fmt::format("sinusoid volume share at {}: {:.4f} (largest |sum - 1| {:.1e})", spacing[r],
                       share[r], worst));
  }
  // The labels at 30 um call 72 % of the tissue sinusoid; the fractions about a tenth, as at 5 um.
  EXPECT_GT(share[2], 0.08);
  EXPECT_LT(share[2], 0.14);
  EXPECT_NEAR(share[0], share[2], 0.10 * share[2]);
  EXPECT_NEAR(share[1], share[2], 0.02 * share[2]);
}

// A 30 µm grid and the 10 µm grid nested in it (same corner): each coarse voxel wholly in the
// tissue holds the mean of the 27 fine voxels it covers, to the sub-sampling error: both are
// sub-sampled at 5/3 µm, but their sub-voxel centres are rounded differently (30/18 against
// 10/6 µm), so sub-voxels on a tube's surface may fall either way (measured: at most 14 of a
// coarse voxel's 5832, 2.3e-3; the lobule's lumen 2.5e-4 apart).
TEST(VolumeFractions, CoarseVoxelHoldsWhatTheFineVoxelsItCoversHold) {
  const Config c = lobule_at("30 um", "90 um");
  Geometry coarse = make_geometry(c);
  const HexGrid grid = hex_grid(c.geometry, c.spacing);
  GeometryConfig gc = c.geometry;
  Geometry fine = make_hex_lobule_on(
      gc, {10, 10, 10}, {grid.cells[0] * 3, grid.cells[1] * 3, grid.cells[2] * 3}, grid.origin);
  add_volume_fractions(fine, gc);
  double worst = 0, lumen_coarse = 0, lumen_fine = 0;
  int compared = 0;
  for (int k = 0; k < coarse.box.nz; ++k)
    for (int j = 0; j < coarse.box.ny; ++j)
      for (int i = 0; i < coarse.box.nx; ++i) {
        const std::size_t v = coarse.at(i, j, k);
        bool whole = is_tissue(coarse.label[v]);
        double sum[kFractionClasses] = {};
        for (int c3 = 0; c3 < 27 && whole; ++c3) {
          const std::size_t w = fine.at(3 * i + c3 % 3, 3 * j + c3 / 3 % 3, 3 * k + c3 / 9);
          whole = is_tissue(fine.label[w]);
          for (int l = 0; l < kFractionClasses; ++l) sum[l] += fraction_of(fine, l, w) / 27.0;
        }
        if (!whole) continue;
        for (int l = 0; l < kFractionClasses; ++l)
          worst = std::max(worst, std::abs(double(fraction_of(coarse, l, v)) - sum[l]));
        lumen_coarse += fraction_of(coarse, kSinusoid, v);
        lumen_fine += sum[kSinusoid];
        ++compared;
      }
  figure(fmt::format("{} coarse voxels against their 27 fine ones: largest difference {:.2e}",
                     compared, worst));
  EXPECT_GT(compared, 400);
  EXPECT_LT(worst, 1e-2);
  EXPECT_NEAR(lumen_coarse, lumen_fine, 2e-3 * lumen_fine);
}

// With volume fractions every vessel holds the voxel column its axis runs through, at any spacing:
// the hepatic arteries (5 µm in radius) are held on every grid instead of where voxel centres
// happen to fall in them (at 20 µm by centres alone, none of them). Each axis voxel inside the
// tissue carries its vessel's label (or a larger vessel's that shares it) in every plane.
TEST(VolumeFractions, EveryVesselHoldsTheVoxelOnItsAxisAtAnySpacing) {
  for (const char* spacing : {"30 um", "20 um", "10 um", "5 um"}) {
    const Config c = lobule_at(spacing, "60 um");
    const Geometry g = make_geometry(c);
    const LobuleSection section(c.geometry);
    int arteries = 0, own = 0;  // artery axes in the tissue; those in a voxel of their own
    for (const VesselAxis& a : section.vessel_axes()) {
      const int i = int(std::floor((a.centre[0] - g.origin[0]) / g.spacing[0]));
      const int j = int(std::floor((a.centre[1] - g.origin[1]) / g.spacing[1]));
      if (i < 0 || j < 0 || i >= g.box.nx || j >= g.box.ny || !is_tissue(g.label[g.at(i, j, 0)]))
        continue;
      for (int k = 0; k < g.box.nz; ++k) {
        const std::uint8_t l = g.label[g.at(i, j, k)];
        EXPECT_TRUE(l == a.label || l == kPortalVein || l == kCentralVein)
            << spacing << ": the axis voxel (" << i << ", " << j << ", " << k << ") of a "
            << label_name(a.label) << " is " << label_name(l);
      }
      if (a.label != kHepaticArtery) continue;
      ++arteries;
      own += g.label[g.at(i, j, 0)] == kHepaticArtery;
    }
    int held_columns = 0;
    for (int j = 0; j < g.box.ny; ++j)
      for (int i = 0; i < g.box.nx; ++i) held_columns += g.label[g.at(i, j, 0)] == kHepaticArtery;
    figure(fmt::format("{}: {} hepatic-artery axes in the tissue, {} artery voxel columns", spacing,
                       arteries, held_columns));
    EXPECT_GE(arteries, 5) << spacing;
    // A portal vein (its centre 25 um from an artery's) may take an artery's voxel at 30 um.
    EXPECT_GE(own, std::string(spacing) == "30 um" ? arteries - 1 : arteries) << spacing;
    EXPECT_GE(held_columns, own) << spacing;
  }
  // Without fractions (voxel centres alone) the 20 um lobule holds no artery at all.
  const Geometry plain = make_geometry(hex_config(
      "20 um", "height: \"60 um\", sinusoids: { plate_thickness: \"25 um\", allow_coarse: true }"));
  EXPECT_EQ(std::count(plain.label.begin(), plain.label.end(), std::uint8_t(kHepaticArtery)), 0);
}

// The rates with fractional weights are the label physics' rates mixed by the shares: for the
// diffusing fields P(w) = w_cell·P_par + w_sin·(P_sin − P_par) and L(w) − λ likewise (a
// parenchyma voxel has the cells, a label-physics sinusoid voxel the cells plus the lumen),
// collagen's production adds w_tract·(P_tract − P_par), and the cell fields keep the rates of
// their own cells wherever there are any.
TEST(VolumeFractions, RatesMixTheLabelRatesByTheShares) {
  LiverParams p;
  p.injury[0] = {InjuryPattern::Pericentral, 0.3 / kDay, 0, 5 * kDay};
  p.injury_periods = 1;
  p.c_blood[kHgf] = 0.4;
  p.c_blood[kTgfb] = 0.1;
  const LiverRates<double> r(p);
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  int compared = 0;
  for (int n = 0; n < 500; ++n) {
    test::LiverState u;
    for (int q = 0; q < kLiverFields; ++q) u[std::size_t(q)] = 2.0 * U(rng);
    u[kHep] = U(rng);
    const double zone = U(rng), t = 4 * kDay * U(rng);
    const double cell = n % 5 == 0 ? 0.0 : U(rng), sin = (1 - cell) * U(rng), tract = U(rng);
    const auto now = r.at(t);
    auto rates = [&](double c, double s, double tr, double* P, double* L) {
      r.voxel_rates(now, std::uint8_t(0), zone, TissueWeights<double>{c, s, tr}, u.data(), P, L);
    };
    double P[kLiverFields], L[kLiverFields], Pp[kLiverFields], Lp[kLiverFields], Ps[kLiverFields],
        Ls[kLiverFields], Pt[kLiverFields], Lt[kLiverFields];
    rates(cell, sin, tract, P, L);
    rates(1, 0, 0, Pp, Lp);  // parenchyma
    rates(1, 1, 0, Ps, Ls);  // a label-physics sinusoid voxel
    rates(1, 0, 1, Pt, Lt);  // a portal tract
    for (int q = 0; q < kLiverFields; ++q) {
      double Pw, Lw;
      if (q < kLiverDiffusing) {
        const double lambda = 0.69314718055994531 / p.half_life[q];
        Pw = cell * Pp[q] + sin * (Ps[q] - Pp[q]);
        Lw = lambda + cell * (Lp[q] - lambda) + sin * (Ls[q] - Lp[q]);
      } else {
        Pw = cell > 0 ? Pp[q] + (q == kCollagen ? tract * (Pt[q] - Pp[q]) : 0.0) : 0.0;
        Lw = cell > 0 ? Lp[q] : 0.0;
      }
      const double scale = std::abs(Pw) + std::abs(Lw) + 1e-30;
      ASSERT_NEAR(P[q], Pw, 1e-12 * scale) << "P of field " << q << " at n " << n;
      ASSERT_NEAR(L[q], Lw, 1e-12 * scale) << "L of field " << q << " at n " << n;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 500 * kLiverFields);
}

// CPA of a known scar: three z-parallel tubes of C = 1.2·exp(−r²/(2σ²)), σ = 40 µm, in a
// 300 × 300 × 60 µm box of parenchyma; C ≥ 0.5 inside r* = σ·√(2·ln 2.4), so the exact CPA is
// 3π·r*²/300². The interpolated CPA of the fractions path is within a point of it at 30, 10 and
// 5 µm and converges; a count of whole voxels (the label physics) is printed beside it.
TEST(VolumeFractions, CpaOfAKnownScarIsWithinAPointAtAnySpacing) {
  const double sigma = 40, r_star = sigma * std::sqrt(2 * std::log(2.4));
  const double exact = 3 * M_PI * r_star * r_star / (300.0 * 300.0);
  const double cx[3] = {80, 205, 140}, cy[3] = {90, 110, 220};
  LiverFibrosis model;
  double err[3] = {};
  const double spacings[3] = {30, 10, 5};
  for (int r = 0; r < 3; ++r) {
    const double h = spacings[r];
    GeometryConfig gc;
    gc.kind = "box";
    const int n = int(std::lround(300 / h));
    Geometry g = make_geometry(gc, {h, h, h}, {n, n, int(std::lround(60 / h))});
    label_fractions(g);
    std::vector<std::uint8_t> label(g.box.padded(), kOutside);
    std::vector<double> C(g.box.padded(), 0.0);
    for (int k = 0; k < g.box.nz; ++k)
      for (int j = 0; j < g.box.ny; ++j)
        for (int i = 0; i < g.box.nx; ++i) {
          const auto x = g.centre(i, j, k);
          double c = 0;
          for (int b = 0; b < 3; ++b) {
            const double d2 = (x[0] - cx[b]) * (x[0] - cx[b]) + (x[1] - cy[b]) * (x[1] - cy[b]);
            c = std::max(c, 1.2 * std::exp(-d2 / (2 * sigma * sigma)));
          }
          label[g.box.idx(i, j, k)] = kParenchyma;
          C[g.box.idx(i, j, k)] = c;
        }
    FieldSnapshot s{g.box,
                    h * h * h,
                    label.data(),
                    nullptr,
                    0.0,
                    [&](std::size_t q, std::size_t c) { return q == kCollagen ? C[c] : 0.0; },
                    &g};
    const double cpa = model.observables(s)[1];
    s.geometry = nullptr;  // the label physics: whole voxels with C ≥ 0.5
    const double counted = model.observables(s)[1];
    err[r] = std::abs(cpa - exact);
    if (r == 0) {
      EXPECT_GT(std::abs(counted - exact), 2 * err[r]) << "counting whole voxels";
    }
    figure(fmt::format("CPA at {} um: {:.4f} interpolated, {:.4f} counted, exact {:.4f}", h, cpa,
                       counted, exact));
    EXPECT_LT(err[r], 0.01) << h << " um";
  }
  EXPECT_LT(err[2], err[0]) << "the interpolated CPA does not converge";
}

}  // namespace
}  // namespace lobule

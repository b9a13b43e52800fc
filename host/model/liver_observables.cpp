// The liver model's observables (the columns of timeseries.csv after `time`; MODEL.md), read
// from a snapshot of the fields.
//
// Volumes. Each tissue voxel weighs with what it holds: its cell-bearing share κ (parenchyma,
// portal tract, septum: where cells and collagen live) and its tissue share τ = κ + sinusoid
// lumen. With the geometry's volume fractions these are sub-voxel shares; without them the label
// physics' 1 and 1 for labels 0, 1, 6, 7 (and nothing for vessels and ducts).
//   cell means (hep, hsc, mac1, mac2)        Σ κ·u / Σ κ
//   collagen means, zone thirds               Σ κ·C / Σ τ   (scar per tissue volume)
//   cytokine means                            Σ τ·c / Σ τ
//   totals: msc [cells/10⁶ µm³] → cells Σ κ·msc·V·10⁻⁶, ev [10⁹/mL = 10⁻³/µm³] → particles
//           Σ τ·ev·V·10⁻³, ev_cargo → a.u.·10⁶ µm³ Σ κ·cargo·V·10⁻⁶
//   cpa = Σ κ·φ / Σ τ, φ the voxel's share with C = collagen + collagen_x ≥ 0.5
// CPA with fractions: φ is the share of 4 × 4 × 4 sub-points of the voxel where C, interpolated
// trilinearly between the centres of the voxel and its cell-bearing neighbours (a missing
// neighbour takes the voxel's own value), reaches 0.5 — the area of the scar's iso-surface as
// the grid resolves it, which converges under refinement (a smooth C is found to O(h²)) instead
// of moving in steps of whole voxels. Without fractions φ = [C ≥ 0.5] (the label physics' count).
// Septum (the EV penetration figure): septum share + lobular share (parenchyma, sinusoid) ·φ;
// parenchyma: lobular share · (1 − φ). Portal tracts are neither: they surround the inflow
// vessels, and their EVs would say nothing about penetration into scar.
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "geometry/geometry.hpp"
#include "geometry/volume_fractions.hpp"
#include "liver_fibrosis.hpp"

namespace lobule {
namespace {

constexpr double kScar = 0.5;  // the collagen level that stains as scar
constexpr int kSub = 4;        // sub-points per axis for φ

// The shares of one voxel the observables weigh with.
struct Shares {
  double cell = 0, tissue = 0, septum = 0, lobular = 0;
};

Shares shares(const FieldSnapshot& s, int i, int j, int k) {
  const std::uint8_t l = s.label[s.box.idx(i, j, k)];
  Shares w;
  if (s.geometry == nullptr || s.geometry->fraction.empty()) {
    if (!LiverRates<double>::has_cells(l)) return w;
    w.cell = w.tissue = 1;
    w.septum = l == kSeptum;
    w.lobular = l == kParenchyma || l == kSinusoid;
    return w;
  }
  if (!LiverRates<double>::has_cells(l)) return w;  // vessels and ducts: held lumen as a whole
  const Geometry& g = *s.geometry;
  const std::size_t v = g.at(i, j, k);
  const double par = fraction_of(g, kParenchyma, v), sin = fraction_of(g, kSinusoid, v);
  w.septum = fraction_of(g, kSeptum, v);
  w.cell = par + fraction_of(g, kPortalTract, v) + w.septum;
  w.tissue = w.cell + sin;
  w.lobular = par + sin;
  return w;
}

// C = collagen + collagen_x of every cell-bearing voxel, padded layout; NaN elsewhere (no
// cells, outside, the halo). Read once per snapshot: each voxel's φ reads 27 of them.
std::vector<double> scar_levels(const FieldSnapshot& s) {
  const Box& b = s.box;
  std::vector<double> level(b.padded(), std::numeric_limits<double>::quiet_NaN());
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t n = b.idx(i, j, k);
        if (shares(s, i, j, k).cell > 0) level[n] = s.u(kCollagen, n) + s.u(kCollagenX, n);
      }
  return level;
}

// φ: the share of voxel (i, j, k) where the interpolated C reaches kScar (see the top); `level`
// from scar_levels, C0 the voxel's own C.
double scar_share(const Box& b, const std::vector<double>& level, int i, int j, int k, double C0) {
  // C at the centres of the 3 × 3 × 3 block around the voxel (own value where no cells).
  double c[3][3][3];
  for (int dz = -1; dz <= 1; ++dz)
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const double v = level[b.idx(i + dx, j + dy, k + dz)];
        c[dz + 1][dy + 1][dx + 1] = std::isnan(v) ? C0 : v;
      }
  int hit = 0;
  for (int a = 0; a < kSub; ++a)
    for (int bb = 0; bb < kSub; ++bb)
      for (int cc = 0; cc < kSub; ++cc) {
        // Sub-point offset from the centre, in voxels: (m + ½)/kSub − ½.
        const double d[3] = {(cc + 0.5) / kSub - 0.5, (bb + 0.5) / kSub - 0.5,
                             (a + 0.5) / kSub - 0.5};
        int lo[3];
        double t[3];
        for (int q = 0; q < 3; ++q) {
          lo[q] = d[q] < 0 ? 0 : 1;  // the cell of centres [lo, lo + 1] in block indices
          t[q] = d[q] < 0 ? 1 + d[q] : d[q];
        }
        double v = 0;
        for (int z = 0; z < 2; ++z)
          for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 2; ++x)
              v += (x ? t[0] : 1 - t[0]) * (y ? t[1] : 1 - t[1]) * (z ? t[2] : 1 - t[2]) *
                   c[lo[2] + z][lo[1] + y][lo[0] + x];
        hit += v >= kScar;
      }
  return double(hit) / (kSub * kSub * kSub);
}

}  // namespace

std::vector<double> LiverFibrosis::observables(const FieldSnapshot& s) const {
  const bool fractions = s.geometry != nullptr && !s.geometry->fraction.empty();
  const std::vector<double> level = fractions ? scar_levels(s) : std::vector<double>{};
  double cell_w = 0, tissue_w = 0, scar = 0, sum_cell[kLiverFields] = {},
         sum_tissue[kLiverFields] = {}, zone_sum[3] = {}, zone_w[3] = {};
  double ev_sep = 0, w_sep = 0, ev_par = 0, w_par = 0;
  for (int k = 0; k < s.box.nz; ++k)
    for (int j = 0; j < s.box.ny; ++j)
      for (int i = 0; i < s.box.nx; ++i) {
        const Shares w = shares(s, i, j, k);
        if (!(w.tissue > 0)) continue;
        const std::size_t c = s.box.idx(i, j, k);
        double u[kLiverFields];
        for (int q = 0; q < kLiverFields; ++q) {
          u[q] = s.u(std::size_t(q), c);
          sum_cell[q] += w.cell * u[q];
          sum_tissue[q] += w.tissue * u[q];
        }
        const double C = u[kCollagen] + u[kCollagenX];
        const double phi = !(w.cell > 0) ? 0.0
                           : fractions   ? scar_share(s.box, level, i, j, k, C)
                                         : (C >= kScar ? 1.0 : 0.0);
        cell_w += w.cell, tissue_w += w.tissue;
        scar += w.cell * phi;
        const double z = s.zone ? double(s.zone[c]) : 0.0;
        const int third = z < 1.0 / 3 ? 0 : (z < 2.0 / 3 ? 1 : 2);
        zone_sum[third] += w.cell * C, zone_w[third] += w.tissue;
        const double sep = w.septum + w.lobular * phi, par = w.lobular * (1 - phi);
        ev_sep += sep * u[kEv], w_sep += sep;
        ev_par += par * u[kEv], w_par += par;
      }
  auto mean = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  const double V = s.voxel_volume;
  std::vector<double> row = {s.t / kDay,
                             mean(scar, tissue_w),
                             mean(sum_cell[kCollagen], tissue_w),
                             mean(sum_cell[kCollagenX], tissue_w),
                             mean(zone_sum[0], zone_w[0]),
                             mean(zone_sum[1], zone_w[1]),
                             mean(zone_sum[2], zone_w[2]),
                             mean(sum_cell[kHep], cell_w),
                             mean(sum_cell[kHsc], cell_w),
                             mean(sum_cell[kMac1], cell_w),
                             mean(sum_cell[kMac2], cell_w),
                             sum_cell[kMsc] * V * 1e-6,
                             sum_tissue[kEv] * V * 1e-3,
                             sum_cell[kEvCargo] * V * 1e-6};
  for (int q = 0; q < kEv; ++q) row.push_back(mean(sum_tissue[q], tissue_w));
  row.push_back(mean(ev_sep, w_sep));
  row.push_back(mean(ev_par, w_par));
  return row;
}

}  // namespace lobule

#include "lobule_section.hpp"

#include <algorithm>
#include <cmath>

#include "hash_rng.hpp"
#include "labels.hpp"

namespace lobule {
namespace {

constexpr double kSixth = M_PI / 3;  // 60°

// Keys of the random choices; part of the generated geometry: do not renumber.
enum SeptumKey : std::int64_t { kSpurShown = 1, kSpurLength = 2, kPcFirst = 3, kPcMore = 4 };
constexpr std::int64_t kNoduleKey = 5;

double dot(Vec2 a, Vec2 b) {
  return a[0] * b[0] + a[1] * b[1];
}
double norm(Vec2 a) {
  return std::sqrt(dot(a, a));
}
Vec2 sub(Vec2 a, Vec2 b) {
  return {a[0] - b[0], a[1] - b[1]};
}
Vec2 unit(double angle) {
  return {std::cos(angle), std::sin(angle)};
}

// Distance from p to the segment [a, b] [µm].
double segment_distance(Vec2 p, Vec2 a, Vec2 b) {
  const Vec2 ab = sub(b, a), ap = sub(p, a);
  const double L2 = dot(ab, ab);
  const double t = L2 > 0 ? std::clamp(dot(ap, ab) / L2, 0.0, 1.0) : 0.0;
  return norm({ap[0] - t * ab[0], ap[1] - t * ab[1]});
}

}  // namespace

FibrosisShape fibrosis_shape(const GeometryConfig& g) {
  FibrosisShape f;
  f.stage = g.fibrosis.stage;
  f.tract_radius = g.portal.tract_radius * (f.stage >= 1 ? 1.5 : 1.0);
  f.spur_width = g.fibrosis.septum_width * (f.stage == 1 ? 0.5 : 0.75);
  f.septum_width = g.fibrosis.septum_width;
  f.nodule_spacing = 0.9 * g.radius;
  return f;
}

LobuleSection::LobuleSection(const GeometryConfig& g)
    : g_(g), t_(tiling_of(g)), f_(fibrosis_shape(g)) {
  const double gap = 2;  // stroma between the portal vein and its neighbours [µm]
  artery_offset_ = g.portal.vein_radius + gap + g.portal.artery_radius;
  duct_offset_ = g.portal.vein_radius + gap + g.portal.duct_radius;
}

// Triad around the corner at angle 60°·corner of its lobule; dv = p - corner. The portal
// vein sits on the corner, one hepatic artery points towards each of the three lobules that
// share it and one bile duct lies along each of its three edges, so that every corner of
// every lobule looks the same (the layout is six-fold symmetric about each centre).
std::uint8_t LobuleSection::triad_label(Vec2 dv, int corner) const {
  const PortalConfig& pc = g_.portal;
  if (norm(dv) <= pc.vein_radius) return kPortalVein;
  const double a0 = kSixth * corner;
  for (int m = 0; m < 3; ++m) {
    const Vec2 ua = unit(a0 + M_PI + 2 * M_PI / 3 * m);  // towards a lobule centre
    if (norm({dv[0] - artery_offset_ * ua[0], dv[1] - artery_offset_ * ua[1]}) <= pc.artery_radius)
      return kHepaticArtery;
    const Vec2 ud = unit(a0 + 2 * M_PI / 3 * m);  // along an edge
    if (norm({dv[0] - duct_offset_ * ud[0], dv[1] - duct_offset_ * ud[1]}) <= pc.duct_radius)
      return kBileDuct;
  }
  return kPortalTract;
}

// A periportal spur from corner v along the edge towards corner w. Its presence and length
// depend only on the two corners, so the lobules on both sides of the edge agree, and the
// F2 spurs contain the F1 spurs (shown when u < 0.5 at F1, u < 0.9 at F2; longer and wider).
bool LobuleSection::in_spur(Vec2 v, Vec2 w, Vec2 p) const {
  const auto kv = vertex_key(t_, v), kw = vertex_key(t_, w);
  const std::uint64_t seed = g_.fibrosis.seed;
  const double shown = hash_uniform(seed, {kSpurShown, kv.first, kv.second, kw.first, kw.second});
  if (shown >= (f_.stage == 1 ? 0.5 : 0.9)) return false;
  const double u = hash_uniform(seed, {kSpurLength, kv.first, kv.second, kw.first, kw.second});
  const double T = f_.tract_radius, R = t_.R;
  const double len = f_.stage == 1 ? T + 0.1 * R * u : T + 0.1 * R + 0.15 * R * u;
  const Vec2 e = sub(w, v);
  const double s = len / norm(e);
  return segment_distance(p, v, {v[0] + s * e[0], v[1] + s * e[1]}) <= 0.5 * f_.spur_width;
}

// F4: regenerative nodules are the Voronoi cells of jittered points on a triangular lattice
// (spacing s); p is in a septum when its distance to its cell's boundary,
// min_j (|p - s_j|² - |p - s_1|²) / (2|s_j - s_1|), is at most septum_width / 2.
bool LobuleSection::in_nodule_septum(Vec2 p) const {
  const double s = f_.nodule_spacing, hy = 0.5 * std::sqrt(3.0) * s;
  const int j0 = int(std::lround(p[1] / hy));
  Vec2 seeds[25];
  int n = 0, nearest = 0;
  double best = INFINITY;
  for (int j = j0 - 2; j <= j0 + 2; ++j) {
    const int i0 = int(std::lround(p[0] / s - 0.5 * (j & 1)));
    for (int i = i0 - 2; i <= i0 + 2; ++i) {
      const std::uint64_t seed = g_.fibrosis.seed;
      const Vec2 q{s * (i + 0.5 * (j & 1) + 0.3 * hash_signed(seed, {kNoduleKey, i, j, 0})),
                   hy * j + 0.3 * s * hash_signed(seed, {kNoduleKey, i, j, 1})};
      const double d2 = dot(sub(p, q), sub(p, q));
      if (d2 < best) best = d2, nearest = n;
      seeds[n++] = q;
    }
  }
  double boundary = INFINITY;
  for (int m = 0; m < n; ++m) {
    if (m == nearest) continue;
    const double gap = norm(sub(seeds[m], seeds[nearest]));
    const double d2 = dot(sub(p, seeds[m]), sub(p, seeds[m]));
    boundary = std::min(boundary, (d2 - best) / (2 * gap));
  }
  return boundary <= 0.5 * f_.septum_width;
}

// Septa of lobule c at offset d from its centre (stages F1..F4).
bool LobuleSection::in_septum(const HexTiling::Cell& c, Vec2 d) const {
  const Vec2 o = t_.centre(c.col, c.row);
  const Vec2 p{o[0] + d[0], o[1] + d[1]};
  if (f_.stage >= 3) {
    // Bridging septa along every edge: distance to the edge line is apothem - d·n.
    for (int e = 0; e < 6; ++e)
      if (t_.apothem() - dot(d, unit(kSixth * (e + 0.5))) <= 0.5 * f_.septum_width) return true;
    // Portal-central septa: one corner chosen per lobule, each other one with p = 1/4.
    const std::uint64_t seed = g_.fibrosis.seed;
    const int first = int(hash_keys(seed, {kPcFirst, c.col, c.row}) % 6);
    for (int k = 0; k < 6; ++k) {
      if (k != first && hash_uniform(seed, {kPcMore, c.col, c.row, k}) >= 0.25) continue;
      if (segment_distance(p, o, t_.corner(c.col, c.row, k)) <= 0.5 * f_.septum_width) return true;
    }
    return f_.stage >= 4 && in_nodule_septum(p);
  }
  for (int k = 0; k < 6; ++k) {  // F1, F2: spurs from each corner along its two edges
    const Vec2 v = t_.corner(c.col, c.row, k);
    if (in_spur(v, t_.corner(c.col, c.row, (k + 1) % 6), p) ||
        in_spur(v, t_.corner(c.col, c.row, (k + 5) % 6), p))
      return true;
  }
  return false;
}

SectionSample LobuleSection::at(Vec2 p) const {
  const HexTiling::Cell c = t_.locate(p);
  if (!t_.contains(c.col, c.row)) return {kOutside, 0.0f};
  const Vec2 d = c.d;
  const double r = norm(d);
  // Nearest corner: the one closest in angle, since |d - C|² = r² + R² - 2rR·cos(θ - θ_C).
  const int corner = ((int(std::lround(std::atan2(d[1], d[0]) / kSixth)) % 6) + 6) % 6;
  const Vec2 dv = sub(d, {t_.R * std::cos(kSixth * corner), t_.R * std::sin(kSixth * corner)});
  const double rv = norm(dv);

  // zone = d_p / (d_p + d_c): d_p from the (F0) portal tract, d_c from the central vein [µm].
  const double dp = std::max(0.0, rv - g_.portal.tract_radius);
  const double dc = std::max(0.0, r - g_.central_vein_radius);
  const float zone = dp + dc > 0 ? float(dp / (dp + dc)) : 0.5f;

  if (r <= g_.central_vein_radius) return {kCentralVein, zone};
  if (rv <= f_.tract_radius) return {triad_label(dv, corner), zone};
  if (f_.stage >= 1 && in_septum(c, d)) return {kSeptum, zone};
  return {kParenchyma, zone};
}

std::vector<VesselAxis> LobuleSection::vessel_axes() const {
  std::vector<VesselAxis> out;
  for (int col = 0; col < t_.nx; ++col)
    for (int row = 0; row < t_.ny; ++row)
      for (int k = 0; k < 6; ++k) {  // the arteries around corner k (as triad_label places them)
        const Vec2 v = t_.corner(col, row, k);
        for (int m = 0; m < 3; ++m) {
          const Vec2 ua = unit(kSixth * k + M_PI + 2 * M_PI / 3 * m);
          out.push_back({{v[0] + artery_offset_ * ua[0], v[1] + artery_offset_ * ua[1]},
                         std::uint8_t(kHepaticArtery)});
        }
      }
  for (int col = 0; col < t_.nx; ++col)
    for (int row = 0; row < t_.ny; ++row)
      for (int k = 0; k < 6; ++k)
        out.push_back({t_.corner(col, row, k), std::uint8_t(kPortalVein)});
  for (int col = 0; col < t_.nx; ++col)
    for (int row = 0; row < t_.ny; ++row)
      out.push_back({t_.centre(col, row), std::uint8_t(kCentralVein)});
  return out;
}

}  // namespace lobule

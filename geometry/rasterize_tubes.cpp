#include "rasterize_tubes.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace lobule {
namespace {

struct Piece {
  int segment;
  double shift;  // z offset of this periodic image [µm]
};

// Squared distance from p to the segment [a, b] [µm²].
double distance2(const Vec3& p, const Vec3& a, const Vec3& b) {
  double ab2 = 0, t = 0;
  for (int d = 0; d < 3; ++d) {
    ab2 += (b[d] - a[d]) * (b[d] - a[d]);
    t += (p[d] - a[d]) * (b[d] - a[d]);
  }
  t = ab2 > 0 ? std::clamp(t / ab2, 0.0, 1.0) : 0.0;
  double d2 = 0;
  for (int d = 0; d < 3; ++d) {
    const double e = p[d] - (a[d] + t * (b[d] - a[d]));
    d2 += e * e;
  }
  return d2;
}

// Whether the segment [a, b] meets the closed box c ± half (slab method).
bool meets_box(const Vec3& a, const Vec3& b, const Vec3& c, const Vec3& half) {
  double t0 = 0, t1 = 1;
  for (int d = 0; d < 3; ++d) {
    const double lo = c[d] - half[d] - a[d], hi = c[d] + half[d] - a[d], v = b[d] - a[d];
    if (std::abs(v) < 1e-300) {
      if (lo > 0 || hi < 0) return false;
      continue;
    }
    double s0 = lo / v, s1 = hi / v;
    if (s0 > s1) std::swap(s0, s1);
    t0 = std::max(t0, s0);
    t1 = std::min(t1, s1);
    if (t0 > t1) return false;
  }
  return true;
}

// Indices of the voxels whose centres origin + (n + ½)·h lie in [x0, x1], clamped to [0, n).
std::pair<int, int> index_range(double x0, double x1, double origin, double h, int n) {
  const int lo = std::max(0, int(std::ceil((x0 - origin) / h - 0.5)));
  const int hi = std::min(n - 1, int(std::floor((x1 - origin) / h - 0.5)));
  return {lo, hi};
}

}  // namespace

void rasterize_tubes(Geometry& g, const std::vector<Segment>& segments, double radius,
                     double period_z) {
  const Box& b = g.box;
  const auto& h = g.spacing;
  const Vec3 half{0.5 * h[0] * (1 + 1e-9), 0.5 * h[1] * (1 + 1e-9), 0.5 * h[2] * (1 + 1e-9)};
  const double half_diag = std::sqrt(half[0] * half[0] + half[1] * half[1] + half[2] * half[2]);
  // The pass-through test adds voxels only when the tube is thinner than a voxel diagonal.
  const bool pass_through = radius < half_diag;
  const double reach = std::max(radius, pass_through ? half_diag : 0.0) + 1e-9;
  const double r2 = radius * radius;

  // Per z plane, the segment images that can touch it.
  std::vector<std::vector<Piece>> planes(std::size_t(b.nz));
  for (int s = 0; s < int(segments.size()); ++s) {
    const Segment& sg = segments[std::size_t(s)];
    for (double shift : {0.0, -period_z, period_z}) {
      if (shift != 0 && period_z <= 0) continue;
      const auto [k0, k1] =
          index_range(std::min(sg.a[2], sg.b[2]) + shift - reach,
                      std::max(sg.a[2], sg.b[2]) + shift + reach, g.origin[2], h[2], b.nz);
      for (int k = k0; k <= k1; ++k) planes[std::size_t(k)].push_back({s, shift});
    }
  }

#pragma omp parallel for schedule(dynamic)
  for (int k = 0; k < b.nz; ++k) {
    for (const Piece& pc : planes[std::size_t(k)]) {
      const Segment& sg = segments[std::size_t(pc.segment)];
      const Vec3 a{sg.a[0], sg.a[1], sg.a[2] + pc.shift};
      const Vec3 e{sg.b[0], sg.b[1], sg.b[2] + pc.shift};
      const auto [j0, j1] = index_range(std::min(a[1], e[1]) - reach, std::max(a[1], e[1]) + reach,
                                        g.origin[1], h[1], b.ny);
      const auto [i0, i1] = index_range(std::min(a[0], e[0]) - reach, std::max(a[0], e[0]) + reach,
                                        g.origin[0], h[0], b.nx);
      for (int j = j0; j <= j1; ++j)
        for (int i = i0; i <= i1; ++i) {
          std::uint8_t& l = g.label[g.at(i, j, k)];
          if (l != kParenchyma) continue;
          const auto c = g.centre(i, j, k);
          const Vec3 p{c[0], c[1], c[2]};
          if (distance2(p, a, e) <= r2 || (pass_through && meets_box(a, e, p, half))) l = kSinusoid;
        }
    }
  }
}

}  // namespace lobule

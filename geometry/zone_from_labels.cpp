#include "zone_from_labels.hpp"

#include <cmath>
#include <limits>

namespace lobule {
namespace {

constexpr float kFar = std::numeric_limits<float>::infinity();

// One line of the separable transform: d(p) = min_q (w·(p - q))² + f(q), the lower envelope
// of parabolas rooted at the samples q (Felzenszwalb & Huttenlocher 2012, algorithm 1).
void edt_line(float* f, int n, std::size_t stride, double w, std::vector<int>& v,
              std::vector<double>& zb, std::vector<double>& out) {
  v.resize(std::size_t(n));
  zb.resize(std::size_t(n) + 1);
  out.resize(std::size_t(n));
  auto val = [&](int q) { return double(f[std::size_t(q) * stride]); };
  int k = -1;
  for (int q = 0; q < n; ++q) {
    if (!std::isfinite(val(q))) continue;
    double s = 0;
    while (k >= 0) {
      const int r = v[std::size_t(k)];
      // Intersection of the parabolas of r and q, in sample units.
      s = ((val(q) + w * w * q * q) - (val(r) + w * w * r * r)) / (2 * w * w * (q - r));
      if (s > zb[std::size_t(k)]) break;
      --k;
    }
    ++k;
    v[std::size_t(k)] = q;
    zb[std::size_t(k)] = k == 0 ? -INFINITY : s;
    zb[std::size_t(k) + 1] = INFINITY;
  }
  if (k < 0) return;  // no finite sample on this line
  for (int p = 0, j = 0; p < n; ++p) {
    while (zb[std::size_t(j) + 1] < p) ++j;
    const int q = v[std::size_t(j)];
    out[std::size_t(p)] = w * w * double(p - q) * double(p - q) + val(q);
  }
  for (int p = 0; p < n; ++p) f[std::size_t(p) * stride] = float(out[std::size_t(p)]);
}

// Squared Euclidean distance [µm²] from every voxel centre to the nearest voxel whose label
// satisfies `seed`, exact and separable per axis; +inf everywhere when there is none.
template <class Pred>
std::vector<float> squared_distance(const Geometry& g, Pred seed) {
  const Box& b = g.box;
  std::vector<float> d(g.voxels());
  for (std::size_t v = 0; v < d.size(); ++v) d[v] = seed(g.label[v]) ? 0.0f : kFar;
  const int n[3] = {b.nx, b.ny, b.nz};
  const std::size_t stride[3] = {1, std::size_t(b.nx), std::size_t(b.nx) * b.ny};
  for (int a = 0; a < 3; ++a) {
    const int u = a == 0 ? 1 : 0, w = a == 2 ? 1 : 2;  // the two other axes
    const long long lines = (long long)n[u] * n[w];
#pragma omp parallel
    {
      std::vector<int> v;
      std::vector<double> zb, out;
#pragma omp for schedule(static)
      for (long long line = 0; line < lines; ++line) {
        const std::size_t base =
            std::size_t(line % n[u]) * stride[u] + std::size_t(line / n[u]) * stride[w];
        edt_line(d.data() + base, n[a], stride[a], g.spacing[a], v, zb, out);
      }
    }
  }
  return d;
}

}  // namespace

std::vector<float> zone_from_labels(const Geometry& g) {
  auto portal = [](std::uint8_t l) {
    return l == kPortalVein || l == kHepaticArtery || l == kBileDuct || l == kPortalTract;
  };
  const std::vector<float> dp2 = squared_distance(g, portal);
  std::vector<float> zone = squared_distance(g, [](std::uint8_t l) { return l == kCentralVein; });
  if (g.voxels() == 0 || !std::isfinite(dp2[0]) || !std::isfinite(zone[0])) return {};
#pragma omp parallel for schedule(static)
  for (std::size_t v = 0; v < zone.size(); ++v) {
    const double dp = std::sqrt(double(dp2[v])), dc = std::sqrt(double(zone[v]));
    zone[v] = g.label[v] == kOutside ? 0.0f : float(dp + dc > 0 ? dp / (dp + dc) : 0.5);
  }
  return zone;
}

}  // namespace lobule

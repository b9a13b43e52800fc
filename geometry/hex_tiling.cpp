#include "hex_tiling.hpp"

#include <cmath>
#include <vector>

#include "geometry_params.hpp"

namespace lobule {
namespace {

constexpr double kSqrt3 = 1.7320508075688772;

int parity(int col) {
  return ((col % 2) + 2) % 2;
}

// Largest rectangle of true cells in a row-major nx × ny mask (histogram-and-stack method,
// O(nx·ny)). Returns {i0, j0, width, height}; ties keep the first found.
std::array<int, 4> largest_rectangle(const std::vector<char>& mask, int nx, int ny) {
  std::vector<int> h(std::size_t(nx) + 1, 0), stack;
  std::array<int, 4> best{0, 0, 0, 0};
  long long best_area = 0;
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) h[i] = mask[std::size_t(j) * nx + i] ? h[i] + 1 : 0;
    stack.clear();
    for (int i = 0; i <= nx; ++i) {  // h[nx] = 0 flushes the stack
      while (!stack.empty() && h[stack.back()] >= h[i]) {
        const int height = h[stack.back()];
        stack.pop_back();
        const int left = stack.empty() ? 0 : stack.back() + 1;
        const long long area = (long long)height * (i - left);
        if (area > best_area) {
          best_area = area;
          best = {left, j - height + 1, i - left, height};
        }
      }
      stack.push_back(i);
    }
  }
  return best;
}

}  // namespace

double HexTiling::apothem() const {
  return 0.5 * kSqrt3 * R;
}

Vec2 HexTiling::centre(int col, int row) const {
  return {R + 1.5 * R * col, apothem() * (1 + 2 * row + parity(col))};
}

Vec2 HexTiling::corner(int col, int row, int c) const {
  const Vec2 o = centre(col, row);
  const double a = M_PI / 3 * c;
  return {o[0] + R * std::cos(a), o[1] + R * std::sin(a)};
}

Vec2 HexTiling::extent() const {
  return {R * (0.5 + 1.5 * nx), 2 * apothem() * ny + (nx > 1 ? apothem() : 0.0)};
}

HexTiling::Cell HexTiling::locate(Vec2 p) const {
  // The nearest centre lies within one column of the nearest column line (|dx| <= R).
  const int c0 = int(std::lround((p[0] - R) / (1.5 * R)));
  Cell best;
  double best_d2 = INFINITY;
  for (int col = c0 - 1; col <= c0 + 1; ++col) {
    const int row = int(std::lround((p[1] / apothem() - 1 - parity(col)) / 2));
    const Vec2 o = centre(col, row);
    const Vec2 d{p[0] - o[0], p[1] - o[1]};
    const double d2 = d[0] * d[0] + d[1] * d[1];
    if (d2 < best_d2) {
      best_d2 = d2;
      best = {col, row, d};
    }
  }
  return best;
}

std::pair<std::int64_t, std::int64_t> vertex_key(const HexTiling& t, Vec2 v) {
  return {std::llround(2 * v[0] / t.R), std::llround(v[1] / t.apothem())};
}

HexTiling tiling_of(const GeometryConfig& g) {
  HexTiling t;
  t.R = g.radius;
  t.nx = g.lobules[0];
  t.ny = g.lobules[1];
  return t;
}

HexGrid hex_grid(const GeometryConfig& g, const std::array<double, 3>& h) {
  const HexTiling t = tiling_of(g);
  const Vec2 ext = t.extent();
  HexGrid out;
  for (int a = 0; a < 2; ++a) {
    out.cells[a] = int(std::ceil(ext[a] / h[a] - 1e-9));
    out.origin[a] = 0.5 * (ext[a] - out.cells[a] * h[a]);  // centre the grid on the tiling
  }
  out.cells[2] = std::max(1, int(std::lround(g.height / h[2])));
  out.origin[2] = 0;
  if (!g.crop_inner) return out;

  const int nx = out.cells[0], ny = out.cells[1];
  std::vector<char> mask(std::size_t(nx) * ny);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      const Vec2 p{out.origin[0] + (i + 0.5) * h[0], out.origin[1] + (j + 0.5) * h[1]};
      const HexTiling::Cell c = t.locate(p);
      mask[std::size_t(j) * nx + i] = t.contains(c.col, c.row);
    }
  const auto r = largest_rectangle(mask, nx, ny);
  out.origin[0] += r[0] * h[0];
  out.origin[1] += r[1] * h[1];
  out.cells[0] = r[2];
  out.cells[1] = r[3];
  return out;
}

}  // namespace lobule

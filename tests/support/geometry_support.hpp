/// Helpers of the geometry tests: small lobule configs, flood fill, sector counts.
#pragma once
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include "geometry/geometry.hpp"
#include "geometry/hex_tiling.hpp"
#include "host/config/config.hpp"

namespace lobule::test {

/// A diffusion-decay scenario on the given geometry block (YAML flow or block text).
inline std::string scenario_yaml(const std::string& geometry, const std::string& spacing) {
  return fmt::format(
      "name: geo\n"
      "grid: {{ spacing: \"{}\" }}\n"
      "geometry: {}\n"
      "species:\n"
      "  - {{ name: u, diffusivity: \"60 um^2/s\", half_life: \"30 min\" }}\n"
      "time: {{ end: \"1 s\", dt: auto }}\n",
      spacing, geometry);
}

/// Parses a hex_lobule config; `extra` holds more geometry keys ("radius: ..., ...").
inline Config hex_config(const std::string& spacing, const std::string& extra = "") {
  const std::string geo =
      "{ kind: hex_lobule" + (extra.empty() ? std::string() : ", " + extra) + " }";
  return parse_config(scenario_yaml(geo, spacing), "test.yaml");
}

/// Voxels reachable from `seed` voxels through 6-connected voxels that satisfy `inside`
/// (with periodic_z, the top and bottom planes are neighbours).
template <class Inside>
std::vector<char> flood_fill(const Geometry& g, const std::vector<char>& seed, Inside inside,
                             bool periodic_z = false) {
  const Box& b = g.box;
  std::vector<char> seen(g.voxels(), 0);
  std::deque<std::size_t> q;
  for (std::size_t v = 0; v < g.voxels(); ++v)
    if (seed[v] && inside(v)) seen[v] = 1, q.push_back(v);
  const long long sx = 1, sy = b.nx, sz = (long long)b.nx * b.ny;
  while (!q.empty()) {
    const std::size_t v = q.front();
    q.pop_front();
    const int i = int(v % b.nx), j = int(v / b.nx % b.ny), k = int(v / sz);
    const long long wrap = periodic_z && b.nz > 2 ? sz * (b.nz - 1) : 0;
    const long long nb[6] = {i > 0 ? -sx : 0,    i + 1 < b.nx ? sx : 0,
                             j > 0 ? -sy : 0,    j + 1 < b.ny ? sy : 0,
                             k > 0 ? -sz : wrap, k + 1 < b.nz ? sz : -wrap};
    for (long long d : nb) {
      if (d == 0) continue;
      const std::size_t w = std::size_t((long long)v + d);
      if (!seen[w] && inside(w)) seen[w] = 1, q.push_back(w);
    }
  }
  return seen;
}

/// Voxels with a 6-neighbour whose label satisfies `pred` (z neighbours wrap with periodic_z).
template <class Pred>
std::vector<char> next_to(const Geometry& g, Pred pred, bool periodic_z = false) {
  const Box& b = g.box;
  std::vector<char> out(g.voxels(), 0);
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const int down = periodic_z ? (k + b.nz - 1) % b.nz : k - 1;
        const int up = periodic_z ? (k + 1) % b.nz : k + 1;
        const int n[6][3] = {{i - 1, j, k}, {i + 1, j, k}, {i, j - 1, k},
                             {i, j + 1, k}, {i, j, down},  {i, j, up}};
        for (const auto& p : n)
          if (p[0] >= 0 && p[0] < b.nx && p[1] >= 0 && p[1] < b.ny && p[2] >= 0 && p[2] < b.nz &&
              pred(g.label[g.at(p[0], p[1], p[2])]))
            out[g.at(i, j, k)] = 1;
      }
  return out;
}

/// Largest relative deviation of the counts from their mean: max |n_s - mean| / mean.
inline double max_deviation(const std::vector<double>& n) {
  double mean = 0, dev = 0;
  for (double x : n) mean += x / double(n.size());
  for (double x : n) dev = std::max(dev, std::abs(x - mean) / mean);
  return dev;
}

/// Prints a measured figure next to the test output (collected in the project's notes).
inline void figure(const std::string& text) {
  std::printf("[ figure   ] %s\n", text.c_str());
}

}  // namespace lobule::test

#include "sinusoid_network.hpp"

#include <algorithm>
#include <cmath>

#include "hash_rng.hpp"
#include "lobule_section.hpp"

namespace lobule {
namespace {

// Keys of the random choices; part of the generated geometry: do not renumber.
enum NodeKey : std::int64_t {
  kJitterRho,
  kJitterTau,
  kJitterZ,
  kBranch,
  kTangential,
  kVertical,
  kLayerTurn
};

// Builds the segments of one lobule. A node (s, k, i, l) sits in 60° sector s (between
// corners s and s+1), at radial level k, lane i and z layer l, at
//   xy = centre + ρ·(M_s + τ·E_s/2),  z = (l + ½)·Δz,
// M_s the edge midpoint and E_s the edge vector of the sector (both relative to the
// centre), ρ = ρ0 + k·Δρ, τ = -1 + (2i + 1 + 2σ_l)/m_k, each jittered by a hashed fraction
// of its spacing. Lines of constant τ run from the central vein to the edge.
class LobuleBuilder {
 public:
  LobuleBuilder(const GeometryConfig& g, const NetworkShape& n, const HexTiling& t, int col,
                int row, std::vector<Segment>& out)
      : g_(g), n_(n), col_(col), row_(row), out_(out) {
    o_ = t.centre(col, row);
    for (int c = 0; c < 6; ++c) {
      const double a = M_PI / 3 * c;
      corner_[c] = {t.R * std::cos(a), t.R * std::sin(a)};
    }
    dz_ = g.height / n.layers;
    tract_ = fibrosis_shape(g).tract_radius;
    for (int l = 0; l < n.layers; ++l)
      turn_.push_back(hash_uniform(g.sinusoids.seed, {kLayerTurn, col, row, l}) - 0.5);
  }

  void build();

 private:
  // Lane centre -1 + (2i + 1)/m_k, turned by a fraction σ_l ∈ [-½, ½) of a lane spacing
  // that differs per z layer, so that the layers' lattices do not line up.
  double nominal_tau(int k, int i, int l) const {
    return -1 + (2.0 * i + 1 + 2 * turn_[std::size_t(l)]) / n_.lanes[k];
  }
  double u(NodeKey key, int s, int k, int i, int l) const {
    return hash_uniform(g_.sinusoids.seed, {key, col_, row_, s, k, i, l});
  }
  Vec3 at(int s, double rho, double tau, double z) const {
    const Vec2& a = corner_[s];
    const Vec2& b = corner_[(s + 1) % 6];
    return {o_[0] + rho * (0.5 * (a[0] + b[0]) + 0.5 * tau * (b[0] - a[0])),
            o_[1] + rho * (0.5 * (a[1] + b[1]) + 0.5 * tau * (b[1] - a[1])), z};
  }
  Vec3 node(int s, int k, int i, int l) const {
    const double rho = n_.rho0 + (k + 0.25 * (2 * u(kJitterRho, s, k, i, l) - 1)) * n_.drho;
    const double tau =
        nominal_tau(k, i, l) + 0.3 * (2 * u(kJitterTau, s, k, i, l) - 1) / n_.lanes[k];
    const double z = (l + 0.5 + 0.25 * (2 * u(kJitterZ, s, k, i, l) - 1)) * dz_;
    return at(s, rho, tau, z);
  }
  // Whether p lies in the central vein or a portal tract of this lobule.
  bool in_vessel(const Vec3& p) const {
    const double dx = p[0] - o_[0], dy = p[1] - o_[1];
    if (std::hypot(dx, dy) <= g_.central_vein_radius) return true;
    for (const Vec2& c : corner_)
      if (std::hypot(dx - c[0], dy - c[1]) <= tract_) return true;
    return false;
  }
  // A tube whose axis lies wholly in one vessel would only leave slivers outside it, cut off
  // from the network: skip it (both ends in vessels that are not the same one are kept).
  void add(const Vec3& a, const Vec3& b) {
    const Vec3 mid{0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1]), 0};
    if (in_vessel(a) && in_vessel(b) && in_vessel(mid)) return;
    out_.push_back({a, b});
  }
  void inward(int s, int k, int i, int l);
  void cross_links(int s, int k, int i, int l);

  const GeometryConfig& g_;
  const NetworkShape& n_;
  int col_, row_;
  std::vector<Segment>& out_;
  Vec2 o_{};
  Vec2 corner_[6];
  double dz_ = 0;
  double tract_ = 0;          // portal tract radius at this fibrosis stage [µm]
  std::vector<double> turn_;  // σ_l per z layer
};

// The tree edge towards the central vein (every node has exactly one), a random side branch
// to the neighbouring inner lane, and the outermost nodes' link to the peripheral ring.
void LobuleBuilder::inward(int s, int k, int i, int l) {
  const Vec3 p = node(s, k, i, l);
  if (k == 0) {  // into the central vein, half way to its axis
    const double dx = p[0] - o_[0], dy = p[1] - o_[1], r = std::hypot(dx, dy);
    const double f = 0.5 * g_.central_vein_radius / r;
    add(p, {o_[0] + f * dx, o_[1] + f * dy, p[2]});
  } else {
    // Parent lane ⌊(i + ½)·m_{k-1}/m_k⌋: onto, so every inner node has an outer child.
    const int m_in = n_.lanes[k - 1];
    const int parent = int((i + 0.5) * m_in / n_.lanes[k]);
    add(p, node(s, k - 1, parent, l));
    if (u(kBranch, s, k, i, l) < g_.sinusoids.branching) {
      const int side = nominal_tau(k, i, l) >= nominal_tau(k - 1, parent, l) ? 1 : -1;
      if (parent + side >= 0 && parent + side < m_in) add(p, node(s, k - 1, parent + side, l));
    }
  }
  if (k == n_.levels - 1) add(p, at(s, n_.rho_ring, nominal_tau(k, i, l), (l + 0.5) * dz_));
}

// Cross-links to the next lane (into the next sector after the last lane) and to the next
// z layer (across the periodic boundary from the top layer), each with p = cross_links.
void LobuleBuilder::cross_links(int s, int k, int i, int l) {
  const double p = g_.sinusoids.cross_links;
  const Vec3 a = node(s, k, i, l);
  if (u(kTangential, s, k, i, l) < p)
    add(a, i + 1 < n_.lanes[k] ? node(s, k, i + 1, l) : node((s + 1) % 6, k, 0, l));
  if (u(kVertical, s, k, i, l) < p) {
    if (l + 1 < n_.layers) {
      add(a, node(s, k, i, l + 1));
    } else if (g_.periodic_z) {
      Vec3 b = node(s, k, i, 0);
      b[2] += g_.height;  // the image of layer 0 above the top face
      add(a, b);
    }
  }
}

void LobuleBuilder::build() {
  for (int l = 0; l < n_.layers; ++l) {
    for (int s = 0; s < 6; ++s) {
      for (int k = 0; k < n_.levels; ++k)
        for (int i = 0; i < n_.lanes[k]; ++i) {
          inward(s, k, i, l);
          cross_links(s, k, i, l);
        }
      // The ring along the edges, inset so that its voxels stay in this lobule.
      const double z = (l + 0.5) * dz_;
      add(at(s, n_.rho_ring, -1, z), at(s, n_.rho_ring, 1, z));
    }
  }
}

}  // namespace

NetworkShape network_shape(const GeometryConfig& g, double h_max) {
  NetworkShape n;
  const double R = g.radius, A = 0.5 * std::sqrt(3.0) * R;
  n.pitch = g.sinusoids.width + g.sinusoids.plate_thickness;
  n.layers = std::max(1, int(std::lround(g.height / n.pitch)));
  const double r = 0.5 * g.sinusoids.width;
  // Ring inset: tube radius or a voxel's half diagonal, plus a quarter voxel [µm].
  const double inset = std::max(r, 0.5 * std::sqrt(3.0) * h_max) + 0.25 * h_max;
  n.rho_ring = 1 - inset / A;
  n.rho0 = std::min((g.central_vein_radius + 0.5 * n.pitch) / A, 0.9 * n.rho_ring);
  n.levels = std::max(1, int(std::lround((n.rho_ring - n.rho0) * A / n.pitch)));
  n.drho = (n.rho_ring - n.rho0) / n.levels;
  for (int k = 0; k < n.levels; ++k)
    n.lanes.push_back(std::max(1, int(std::lround((n.rho0 + k * n.drho) * R / n.pitch))));
  return n;
}

std::vector<Segment> sinusoid_network(const GeometryConfig& g, double h_max) {
  const NetworkShape n = network_shape(g, h_max);
  const HexTiling t = tiling_of(g);
  std::vector<Segment> out;
  for (int row = 0; row < t.ny; ++row)
    for (int col = 0; col < t.nx; ++col) LobuleBuilder(g, n, t, col, row, out).build();
  return out;
}

}  // namespace lobule

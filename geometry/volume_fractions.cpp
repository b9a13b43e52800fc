#include "volume_fractions.hpp"

#include <algorithm>
#include <cmath>

namespace lobule {

int fraction_subsamples(double h, double sinusoid_width) {
  const double fine = 0.25 * sinusoid_width;
  return std::max(1, int(std::ceil(h / fine - 1e-9)));
}

void label_fractions(Geometry& g) {
  const std::size_t n = g.voxels();
  g.fraction.assign(std::size_t(kFractionClasses) * n, 0.0f);
  for (std::size_t v = 0; v < n; ++v)
    if (g.label[v] < kFractionClasses) g.fraction[std::size_t(g.label[v]) * n + v] = 1.0f;
}

void add_volume_fractions(Geometry& g, const GeometryConfig& gc) {
  std::array<int, 3> s{}, cells{};
  std::array<double, 3> h{};
  for (int a = 0; a < 3; ++a) {
    s[a] = fraction_subsamples(g.spacing[a], gc.sinusoids.width);
    cells[a] = g.box.extent(a) * s[a];
    h[a] = g.spacing[a] / s[a];
  }
  // The fine lobule: tubes at their width (no one-voxel widening), the same corner.
  GeometryConfig fine_cfg = gc;
  fine_cfg.volume_fractions = false;
  const Geometry fine = make_hex_lobule_on(fine_cfg, h, cells, g.origin);

  const Box& b = g.box;
  const std::size_t n = g.voxels();
  g.fraction.assign(std::size_t(kFractionClasses) * n, 0.0f);
#pragma omp parallel for schedule(static)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t v = g.at(i, j, k);
        if (!is_tissue(g.label[v])) continue;
        int count[kFractionClasses] = {}, inside = 0;
        for (int c = 0; c < s[2]; ++c)
          for (int bb = 0; bb < s[1]; ++bb)
            for (int a = 0; a < s[0]; ++a) {
              const std::uint8_t l = fine.label[fine.at(i * s[0] + a, j * s[1] + bb, k * s[2] + c)];
              if (l < kFractionClasses) ++count[l], ++inside;
            }
        if (inside == 0) {
          if (g.label[v] < kFractionClasses) g.fraction[std::size_t(g.label[v]) * n + v] = 1.0f;
          continue;
        }
        for (int l = 0; l < kFractionClasses; ++l)
          g.fraction[std::size_t(l) * n + v] = float(double(count[l]) / inside);
      }
}

TissueWeights<float> tissue_weights(const Geometry& g, std::size_t v) {
  // A vessel or duct voxel is lumen as a whole: its vessels hold it (kernels/vessels.hpp), so
  // cells there would sit in blood-level fields (no MMP: scar that nothing degrades).
  const std::uint8_t l = g.label[v];
  if (g.fraction.empty() ||
      !(l == kParenchyma || l == kSinusoid || l == kPortalTract || l == kSeptum))
    return label_weights<float>(l);
  const float cell =
      fraction_of(g, kParenchyma, v) + fraction_of(g, kPortalTract, v) + fraction_of(g, kSeptum, v);
  return {cell, fraction_of(g, kSinusoid, v),
          cell > 0 ? std::min(1.0f, fraction_of(g, kPortalTract, v) / cell) : 0.0f};
}

}  // namespace lobule

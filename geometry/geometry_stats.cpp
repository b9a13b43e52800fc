#include "geometry_stats.hpp"

#include <vector>

namespace lobule {

const char* label_name(std::uint8_t label) {
  static const char* names[] = {"parenchyma", "sinusoid",     "portal_vein",  "hepatic_artery",
                                "bile_duct",  "central_vein", "portal_tract", "septum"};
  if (label <= kSeptum) return names[label];
  return label == kOutside ? "outside" : nullptr;
}

LabelCounts count_labels(const Geometry& g) {
  LabelCounts c;
  c.total = g.label.size();
#pragma omp parallel
  {
    std::array<std::size_t, 256> mine{};
#pragma omp for schedule(static) nowait
    for (std::size_t v = 0; v < g.label.size(); ++v) ++mine[g.label[v]];
#pragma omp critical
    for (int l = 0; l < 256; ++l) c.count[std::size_t(l)] += mine[std::size_t(l)];
  }
  return c;
}

}  // namespace lobule

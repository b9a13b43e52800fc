#include "geometry.hpp"
#include "host/config/config.hpp"

namespace lobule {

Geometry make_geometry(const Config& c) {
  Geometry g;
  g.box = whole_box(c.cells[0], c.cells[1], c.cells[2]);
  g.spacing = c.spacing;
  g.origin = {0, 0, 0};
  g.label.assign(g.box.interior(), kParenchyma);
  return g;
}

}  // namespace lobule

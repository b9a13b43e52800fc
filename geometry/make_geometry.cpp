// make_geometry: box, hex_lobule or an imported labelled image.
#include <fmt/format.h>

#include "geometry.hpp"
#include "host/config/config.hpp"
#include "host/errors.hpp"
#include "import_vti.hpp"

namespace lobule {

namespace {

Geometry make_box(const Config& c) {
  Geometry g;
  g.box = whole_box(c.cells[0], c.cells[1], c.cells[2]);
  g.spacing = c.spacing;
  g.origin = {0, 0, 0};
  g.label.assign(g.box.interior(), kParenchyma);
  return g;
}

Geometry import_file(const Config& c) {
  Geometry g;
  try {
    g = read_label_image(c.geometry.path, c.geometry.array);
  } catch (const InputError& e) {
    throw InputError(fmt::format("geometry.path: {}", e.what()));
  }
  for (int a = 0; a < 3; ++a)
    if (g.box.extent(a) != c.cells[a])
      throw InputError(fmt::format(
          "{} (geometry.path): the image changed since the config was read", c.geometry.path));
  return g;
}

}  // namespace

Geometry make_geometry(const Config& c) {
  if (c.geometry.kind == "hex_lobule") return make_hex_lobule(c);
  if (c.geometry.kind == "file") return import_file(c);
  return make_box(c);
}

}  // namespace lobule

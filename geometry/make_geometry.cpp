// make_geometry: box, hex_lobule or an imported labelled image.
#include <fmt/format.h>

#include "geometry.hpp"
#include "geometry_params.hpp"
#include "import_vti.hpp"
#include "input_error.hpp"

namespace lobule {

namespace {

Geometry make_box(const std::array<double, 3>& spacing, const std::array<int, 3>& cells) {
  Geometry g;
  g.box = whole_box(cells[0], cells[1], cells[2]);
  g.spacing = spacing;
  g.origin = {0, 0, 0};
  g.label.assign(g.box.interior(), kParenchyma);
  return g;
}

Geometry import_file(const GeometryConfig& gc, const std::array<int, 3>& cells) {
  Geometry g;
  try {
    g = read_label_image(gc.path, gc.array);
  } catch (const InputError& e) {
    throw InputError(fmt::format("geometry.path: {}", e.what()));
  }
  for (int a = 0; a < 3; ++a)
    if (g.box.extent(a) != cells[a])
      throw InputError(
          fmt::format("{} (geometry.path): the image changed since the config was read", gc.path));
  return g;
}

}  // namespace

Geometry make_geometry(const GeometryConfig& gc, const std::array<double, 3>& spacing,
                       const std::array<int, 3>& cells) {
  if (gc.kind == "hex_lobule") return make_hex_lobule(gc, spacing);
  if (gc.kind == "file") return import_file(gc, cells);
  return make_box(spacing, cells);
}

}  // namespace lobule

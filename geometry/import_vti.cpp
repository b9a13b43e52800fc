#include "import_vti.hpp"
#include "vti_layout.hpp"
#include "vti_reader.hpp"
#include "vtk_messages.hpp"

#include <fmt/format.h>
#include <vtkCallbackCommand.h>
#include <vtkCellData.h>
#include <vtkCommand.h>
#include <vtkDataArray.h>
#include <vtkImageData.h>
#include <vtkInformation.h>
#include <vtkNew.h>
#include <vtkStreamingDemandDrivenPipeline.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "input_error.hpp"
#include "zone_from_labels.hpp"

namespace lobule {
namespace {

bool known_label(std::uint8_t v) {
  return v <= kSeptum || v == kOutside;
}

// Checks `path`, opens it in r (whose messages msg watches) and reads its header: the grid,
// spacing, origin and cell arrays. The data is read by r->Update() after it.
LabelImageInfo open_image(VtiReader* r, const VtkMessages& msg, const std::string& path) {
  if (const std::string why = input_file_problem(path); !why.empty()) throw InputError(why);
  if (!r->CanReadFile(path.c_str()))
    throw InputError(fmt::format("{}: not a VTK ImageData (.vti) file", path));
  check_vti_file(path);
  r->SetFileName(path.c_str());
  r->UpdateInformation();
  if (r->GetErrorCode() != 0 || msg.any())
    throw InputError(fmt::format("{}: cannot read the header: {}", path, msg.reason()));
  vtkInformation* info = r->GetOutputInformation(0);
  int ext[6];
  info->Get(vtkStreamingDemandDrivenPipeline::WHOLE_EXTENT(), ext);
  LabelImageInfo out;
  info->Get(vtkDataObject::SPACING(), out.spacing.data());
  info->Get(vtkDataObject::ORIGIN(), out.origin.data());
  for (int a = 0; a < 3; ++a) {
    out.cells[a] = ext[2 * a + 1] - ext[2 * a];
    out.origin[a] += ext[2 * a] * out.spacing[a];  // VTK places point index 0 at the origin
    if (out.cells[a] < 1)
      throw InputError(fmt::format("{}: its extent along {} ({} .. {}) holds no cells", path,
                                   "xyz"[a], ext[2 * a], ext[2 * a + 1]));
    if (!(out.spacing[a] > 0 && std::isfinite(out.spacing[a]) && std::isfinite(out.origin[a])))
      throw InputError(fmt::format("{}: spacing {} and origin {} along {} are not usable", path,
                                   out.spacing[a], out.origin[a], "xyz"[a]));
  }
  for (int i = 0; i < r->GetNumberOfCellArrays(); ++i) out.arrays.push_back(r->GetCellArrayName(i));
  return out;
}

}  // namespace

LabelImageInfo read_label_image_info(const std::string& path) {
  vtkNew<VtiReader> r;
  VtkMessages msg;
  msg.watch(r);
  return open_image(r, msg, path);
}

Geometry read_label_image(const std::string& path, const std::string& array) {
  vtkNew<VtiReader> r;
  VtkMessages msg;
  msg.watch(r);
  const LabelImageInfo info = open_image(r, msg, path);
  r->Update();
  vtkImageData* img = r->GetOutput();
  if (r->GetErrorCode() != 0 || !img || msg.any())
    throw InputError(fmt::format("{}: cannot read: {}", path, msg.reason()));
  Geometry g;
  g.box = whole_box(info.cells[0], info.cells[1], info.cells[2]);
  g.spacing = info.spacing;
  g.origin = info.origin;

  vtkDataArray* a = img->GetCellData()->GetArray(array.c_str());
  if (!a) throw InputError(fmt::format("{}: no cell array '{}'", path, array));
  if (a->GetDataType() != VTK_UNSIGNED_CHAR || a->GetNumberOfComponents() != 1)
    throw InputError(
        fmt::format("{}: cell array '{}' is {} with {} component(s); lobule labels "
                    "are one-component uint8 (unsigned char)",
                    path, array, a->GetDataTypeAsString(), a->GetNumberOfComponents()));
  if (std::size_t(a->GetNumberOfTuples()) != g.voxels())
    throw InputError(fmt::format("{}: cell array '{}' has {} values for {} cells", path, array,
                                 a->GetNumberOfTuples(), g.voxels()));
  g.label.resize(g.voxels());
  std::memcpy(g.label.data(), a->GetVoidPointer(0), g.voxels());
  for (std::size_t v = 0; v < g.voxels(); ++v) {
    if (known_label(g.label[v])) continue;
    const std::size_t i = v % g.box.nx, j = v / g.box.nx % g.box.ny, k = v / g.box.nx / g.box.ny;
    throw InputError(
        fmt::format("{}: label {} at voxel ({}, {}, {}) is not a lobule label (0..7 or 255, see "
                    "docs/geometry.md)",
                    path, int(g.label[v]), i, j, k));
  }

  vtkDataArray* z = img->GetCellData()->GetArray("zone");
  if (!z) {
    g.zone = zone_from_labels(g);
    return g;
  }
  if (z->GetNumberOfComponents() != 1 || std::size_t(z->GetNumberOfTuples()) != g.voxels())
    throw InputError(fmt::format("{}: cell array 'zone' must have one value per cell", path));
  g.zone.resize(g.voxels());
  for (std::size_t v = 0; v < g.voxels(); ++v) {
    const double x = z->GetTuple1(vtkIdType(v));
    if (!(x >= 0 && x <= 1))
      throw InputError(fmt::format("{}: zone {} at cell {} is outside [0, 1]", path, x, v));
    g.zone[v] = float(x);
  }
  return g;
}

}  // namespace lobule

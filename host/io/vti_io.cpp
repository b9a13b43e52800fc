#include "vti_io.hpp"

#include "geometry/vti_layout.hpp"
#include "geometry/vti_reader.hpp"
#include "geometry/vtk_messages.hpp"

#include <fmt/format.h>
#include <vtkCallbackCommand.h>
#include <vtkCellData.h>
#include <vtkCommand.h>
#include <vtkDataArray.h>
#include <vtkDoubleArray.h>
#include <vtkErrorCode.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkUnsignedCharArray.h>
#include <vtkXMLImageDataWriter.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "atomic_file.hpp"
#include "host/errors.hpp"

namespace lobule {
namespace {

// Collects VTK's error messages instead of letting them go to stderr unattributed.
template <class ArrayT, class V>
vtkSmartPointer<vtkDataArray> wrap(const CellArray& a, vtkIdType n) {
  auto arr = vtkSmartPointer<ArrayT>::New();
  arr->SetName(a.name.c_str());
  // Borrow the caller's buffer (save = 1: VTK does not free it); the writer only reads it.
  arr->SetArray(static_cast<V*>(const_cast<void*>(a.data)), n, 1);
  return arr;
}

}  // namespace

void write_vti(const std::string& path, const Geometry& g, double time,
               const std::vector<CellArray>& arrays, const std::string& compression) {
  vtkNew<vtkImageData> img;
  img->SetExtent(g.box.ox, g.box.ox + g.box.nx, g.box.oy, g.box.oy + g.box.ny, g.box.oz,
                 g.box.oz + g.box.nz);
  img->SetOrigin(g.origin[0], g.origin[1], g.origin[2]);
  img->SetSpacing(g.spacing[0], g.spacing[1], g.spacing[2]);
  const auto n = static_cast<vtkIdType>(g.voxels());
  for (const auto& a : arrays) {
    vtkSmartPointer<vtkDataArray> arr;
    switch (a.type) {
      case CellArray::Type::U8:
        arr = wrap<vtkUnsignedCharArray, unsigned char>(a, n);
        break;
      case CellArray::Type::F32:
        arr = wrap<vtkFloatArray, float>(a, n);
        break;
      case CellArray::Type::F64:
        arr = wrap<vtkDoubleArray, double>(a, n);
        break;
    }
    img->GetCellData()->AddArray(arr);
  }
  vtkNew<vtkDoubleArray> t;
  t->SetName("TimeValue");
  t->InsertNextValue(time);
  img->GetFieldData()->AddArray(t);

  const std::string tmp = path + ".tmp";
  VtkMessages errors;
  vtkNew<vtkXMLImageDataWriter> w;
  errors.watch(w);
  w->SetFileName(tmp.c_str());
  w->SetInputData(img);
  w->SetDataModeToAppended();
  w->EncodeAppendedDataOff();
  w->SetHeaderTypeToUInt64();
  if (compression == "none") {
    w->SetCompressorTypeToNone();
  } else if (compression == "lz4") {
    w->SetCompressorTypeToLZ4();
  } else if (compression == "lzma") {
    w->SetCompressorTypeToLZMA();
  } else {
    w->SetCompressorTypeToZLib();
  }
  if (w->Write() != 1 || w->GetErrorCode() != 0) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    // VTK reports its own codes from 20000 on, and below that the system's errno.
    const unsigned long code = w->GetErrorCode();
    const bool full = code == vtkErrorCode::OutOfDiskSpaceError || code == ENOSPC || code == EFBIG;
    const std::string why =
        full ? "no space left on device (or the file size limit, ulimit -f)"
        : code > 0 && code < vtkErrorCode::FirstVTKErrorCode
            ? std::string(std::strerror(int(code)))
            : errors.reason(fmt::format("VTK writer failed (error code {})", code));
    throw IoError(fmt::format("cannot write {}: {}", path, why));
  }
  commit_file_atomic(tmp, path);
}

namespace {

std::string cells_mismatch(const std::string& path, const int* cells,
                           const std::array<int, 3>& expect) {
  return fmt::format("{}: has {}x{}x{} cells but the grid has {}x{}x{}", path, cells[0], cells[1],
                     cells[2], expect[0], expect[1], expect[2]);
}

// The reader's output for `path`, or InputError. With `expect`, the file's extent (its header)
// must have those cells before any data is read: a lying extent must not size an allocation.
struct ReadImage {
  vtkNew<VtiReader> r;
  VtkMessages errors;
  vtkImageData* img = nullptr;

  explicit ReadImage(const std::string& path, const std::array<int, 3>* expect = nullptr) {
    if (const std::string why = input_file_problem(path); !why.empty()) throw InputError(why);
    errors.watch(r);
    if (!r->CanReadFile(path.c_str()))
      throw InputError(fmt::format("{}: not a VTK ImageData (.vti) file", path));
    // The extent is compared from the file's header, before VTK sizes anything by it.
    check_vti_file(path, [&](const int* cells) {
      if (expect && !std::equal(cells, cells + 3, expect->begin()))
        throw InputError(cells_mismatch(path, cells, *expect));
    });
    r->SetFileName(path.c_str());
    r->Update();
    img = r->GetOutput();
    if (r->GetErrorCode() != 0 || !img || errors.any())
      throw InputError(fmt::format("{}: cannot read: {}", path, errors.reason()));
  }
};

std::vector<double> cell_array(const std::string& path, vtkImageData* img, const std::string& array,
                               const std::array<int, 3>& expect) {
  int dims[3];
  img->GetDimensions(dims);
  for (int a = 0; a < 3; ++a)
    if (dims[a] - 1 != expect[a]) {
      const int cells[3] = {dims[0] - 1, dims[1] - 1, dims[2] - 1};
      throw InputError(cells_mismatch(path, cells, expect));
    }
  vtkDataArray* a = img->GetCellData()->GetArray(array.c_str());
  if (!a) {
    std::string names;
    for (int i = 0; i < img->GetCellData()->GetNumberOfArrays(); ++i)
      names += (names.empty() ? "" : ", ") + std::string(img->GetCellData()->GetArrayName(i));
    throw InputError(fmt::format("{}: no cell array '{}' (it has: {})", path, array,
                                 names.empty() ? "none" : names));
  }
  if (a->GetNumberOfComponents() != 1)
    throw InputError(fmt::format("{}: array '{}' has {} components, expected 1", path, array,
                                 a->GetNumberOfComponents()));
  const std::size_t cells =
      std::size_t(expect[0]) * std::size_t(expect[1]) * std::size_t(expect[2]);
  if (std::size_t(a->GetNumberOfTuples()) != cells)
    throw InputError(fmt::format("{}: array '{}' has {} values for {} cells", path, array,
                                 a->GetNumberOfTuples(), cells));
  std::vector<double> out(cells);
  for (vtkIdType i = 0; i < a->GetNumberOfTuples(); ++i) out[std::size_t(i)] = a->GetTuple1(i);
  return out;
}

}  // namespace

std::vector<double> read_vti_cell_array(const std::string& path, const std::string& array,
                                        const std::array<int, 3>& expect) {
  ReadImage in(path, &expect);
  return cell_array(path, in.img, array, expect);
}

double read_vti_time(const std::string& path) {
  ReadImage in(path);
  vtkFieldData* fd = in.img->GetFieldData();
  vtkDataArray* t = fd ? fd->GetArray("TimeValue") : nullptr;
  if (!t || t->GetNumberOfTuples() < 1 || !std::isfinite(t->GetTuple1(0)))
    throw InputError(fmt::format("{}: carries no TimeValue (not a lobule output?)", path));
  return t->GetTuple1(0);
}

std::vector<double> read_vti_on_grid(const std::string& path, const std::string& array,
                                     const Geometry& grid) {
  const std::array<int, 3> cells = {grid.box.gx, grid.box.gy, grid.box.gz};
  ReadImage in(path, &cells);
  auto values = cell_array(path, in.img, array, cells);
  double spacing[3], origin[3];
  int extent[6];
  in.img->GetSpacing(spacing);
  in.img->GetOrigin(origin);
  in.img->GetExtent(extent);
  for (int a = 0; a < 3; ++a) {
    const double h = grid.spacing[a], corner = origin[a] + extent[2 * a] * spacing[a];
    if (std::abs(spacing[a] - h) > 1e-6 * h)
      throw InputError(fmt::format(
          "{}: its voxels are {:g} x {:g} x {:g} um, the grid's {:g} x {:g} x {:g} um", path,
          spacing[0], spacing[1], spacing[2], grid.spacing[0], grid.spacing[1], grid.spacing[2]));
    if (std::abs(corner - grid.origin[a]) > 1e-6 * h)
      throw InputError(fmt::format(
          "{}: its grid starts at {:g} um along {}, the scenario's at {:g} um (a file from "
          "another geometry or crop?)",
          path, corner, "xyz"[a], grid.origin[a]));
  }
  return values;
}

VtiContents read_vti_contents(const std::string& path, const std::vector<std::string>& names) {
  ReadImage in(path);
  VtiContents v;
  vtkFieldData* fd = in.img->GetFieldData();
  vtkDataArray* t = fd ? fd->GetArray("TimeValue") : nullptr;
  v.time = t && t->GetNumberOfTuples() > 0 ? t->GetTuple1(0) : std::nan("");
  int extent[6];
  double spacing[3], origin[3];
  in.img->GetExtent(extent);
  in.img->GetSpacing(spacing);
  in.img->GetOrigin(origin);
  for (int a = 0; a < 3; ++a) {
    v.cells[a] = extent[2 * a + 1] - extent[2 * a];
    v.spacing[a] = spacing[a];
    v.origin[a] = origin[a] + extent[2 * a] * spacing[a];
  }
  std::vector<std::string> want = names;
  if (want.empty())
    if (vtkCellData* cd = in.img->GetCellData())
      for (int i = 0; i < cd->GetNumberOfArrays(); ++i)
        if (const char* n = cd->GetArrayName(i)) want.push_back(n);
  for (const auto& n : want) v.arrays.emplace_back(n, cell_array(path, in.img, n, v.cells));
  return v;
}

}  // namespace lobule

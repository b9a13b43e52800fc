#include "vti_io.hpp"

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
#include <vtkXMLImageDataReader.h>
#include <vtkXMLImageDataWriter.h>

#include <filesystem>

#include "atomic_file.hpp"
#include "host/errors.hpp"

namespace lobule {
namespace {

// Collects VTK's error messages instead of letting them go to stderr unattributed.
struct VtkErrors {
  std::string last;
  vtkNew<vtkCallbackCommand> cb;
  VtkErrors() {
    cb->SetClientData(this);
    cb->SetCallback([](vtkObject*, unsigned long, void* self, void* text) {
      if (text) static_cast<VtkErrors*>(self)->last = static_cast<const char*>(text);
    });
  }
  void watch(vtkObject* o) {
    o->AddObserver(vtkCommand::ErrorEvent, cb);
    o->AddObserver(vtkCommand::WarningEvent, cb);
  }
};

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
  VtkErrors errors;
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
    const unsigned long code = w->GetErrorCode();
    const std::string why = code == vtkErrorCode::OutOfDiskSpaceError
                                ? "no space left on device (or the file size limit, ulimit -f)"
                            : !errors.last.empty()
                                ? errors.last
                                : fmt::format("VTK writer failed (error code {})", code);
    throw IoError(fmt::format("cannot write {}: {}", path, why));
  }
  commit_file_atomic(tmp, path);
}

std::vector<double> read_vti_cell_array(const std::string& path, const std::string& array,
                                        const std::array<int, 3>& expect) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(fmt::format("{}: no such file", path));
  VtkErrors errors;
  vtkNew<vtkXMLImageDataReader> r;
  errors.watch(r);
  if (!r->CanReadFile(path.c_str()))
    throw InputError(fmt::format("{}: not a VTK ImageData (.vti) file", path));
  r->SetFileName(path.c_str());
  r->Update();
  vtkImageData* img = r->GetOutput();
  if (r->GetErrorCode() != 0 || !img || !errors.last.empty())
    throw InputError(fmt::format("{}: cannot read: {}", path,
                                 errors.last.empty() ? "corrupt file" : errors.last));
  int dims[3];
  img->GetDimensions(dims);
  for (int a = 0; a < 3; ++a)
    if (dims[a] - 1 != expect[a])
      throw InputError(fmt::format("{}: has {}x{}x{} cells but the grid has {}x{}x{}", path,
                                   dims[0] - 1, dims[1] - 1, dims[2] - 1, expect[0], expect[1],
                                   expect[2]));
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
  std::vector<double> out(std::size_t(a->GetNumberOfTuples()));
  for (vtkIdType i = 0; i < a->GetNumberOfTuples(); ++i) out[std::size_t(i)] = a->GetTuple1(i);
  return out;
}

}  // namespace lobule

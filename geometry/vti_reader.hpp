/// VTK's ImageData reader with one crash of VTK 9.1 taken out: when a cell array cannot be read
/// (damaged compressed or ascii data), vtkXMLDataReader::ReadPieceData names the piece's
/// PointData element in its error message and dereferences it, though a piece need not have one
/// (other writers leave it out when there is no point data): a null dereference, found by
/// fuzzing. This reader gives such a piece an empty PointData element, so the damage is an error
/// the caller reports. Use it wherever lobule reads a .vti.
#pragma once
#include <vtkNew.h>
#include <vtkXMLDataElement.h>
#include <vtkXMLImageDataReader.h>

namespace lobule {

// vtkTypeMacro takes no semicolon, which clang-format cannot tell.
// clang-format off
class VtiReader : public vtkXMLImageDataReader {
 public:
  static VtiReader* New();
  vtkTypeMacro(VtiReader, vtkXMLImageDataReader)

 protected:
  VtiReader();
  int ReadPiece(vtkXMLDataElement* piece) override;

 private:
  vtkNew<vtkXMLDataElement> no_point_data_;  // an empty <PointData>
};
// clang-format on

}  // namespace lobule

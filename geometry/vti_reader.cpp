#include "vti_reader.hpp"

#include <vtkObjectFactory.h>

namespace lobule {

vtkStandardNewMacro(VtiReader);

VtiReader::VtiReader() {
  no_point_data_->SetName("PointData");
}

int VtiReader::ReadPiece(vtkXMLDataElement* piece) {
  const int ok = vtkXMLImageDataReader::ReadPiece(piece);
  if (this->PointDataElements && !this->PointDataElements[this->Piece])
    this->PointDataElements[this->Piece] = no_point_data_;
  return ok;
}

}  // namespace lobule

// The check of an input .vti before VTK's reader reads it (geometry/vti_layout.cpp): every way
// VTK's own writer stores an array is read back, and damaged structure or binary data is
// refused with InputError naming the file and what is wrong (VTK's reader would crash, allocate
// without bound, or return garbage).
#include <gtest/gtest.h>
#include <vtkCellData.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkUnsignedCharArray.h>
#include <vtkXMLImageDataWriter.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "geometry/import_vti.hpp"
#include "host/errors.hpp"
#include "host/io/vti_io.hpp"
#include "support/test_support.hpp"

namespace lobule {
namespace {

constexpr int kCells = 4 * 3 * 2;

std::vector<float> values() {
  std::vector<float> v(kCells);
  for (int i = 0; i < kCells; ++i) v[std::size_t(i)] = 0.25f + 0.01f * float(i * i % 17);
  return v;
}

struct Layout {
  int mode;  // vtkXMLWriter::Ascii, Binary (inline base64) or Appended
  bool base64;
  int compressor;  // vtkXMLWriter::NONE, ZLIB, LZ4, LZMA
  int header;      // vtkXMLWriter::UInt32 or UInt64
  bool big_endian = false;
  std::string label() const {
    static const char* modes[] = {"ascii", "binary", "appended"};
    static const char* comps[] = {"none", "zlib", "lz4", "lzma"};
    return std::string(modes[mode]) + (base64 ? "/base64/" : "/raw/") + comps[compressor] +
           (header == vtkXMLWriter::UInt64 ? "/UInt64" : "/UInt32") +
           (big_endian ? "/BigEndian" : "");
  }
};

// `img` written by VTK's writer in `layout` with compressed blocks of `block` bytes.
std::string write_image(const test::TempDir& dir, vtkImageData* img, const Layout& layout,
                        int block = 1 << 15) {
  vtkNew<vtkXMLImageDataWriter> w;
  w->SetInputData(img);
  const std::string path = dir.path() + "/written.vti";
  w->SetFileName(path.c_str());
  w->SetDataMode(layout.mode);
  w->SetEncodeAppendedData(layout.base64);
  w->SetCompressorType(layout.compressor);
  w->SetHeaderType(layout.header);
  w->SetByteOrder(layout.big_endian ? vtkXMLWriter::BigEndian : vtkXMLWriter::LittleEndian);
  w->SetBlockSize(block);
  EXPECT_EQ(w->Write(), 1);
  return path;
}

// A 4 × 3 × 2-cell image with cell arrays u (Float32) and label (UInt8) and the field TimeValue,
// written by VTK's writer in `layout`.
std::string write_with_vtk(const test::TempDir& dir, const Layout& layout) {
  vtkNew<vtkImageData> img;
  img->SetDimensions(5, 4, 3);
  vtkNew<vtkFloatArray> u;
  u->SetName("u");
  const auto v = values();
  for (float x : v) u->InsertNextValue(x);
  vtkNew<vtkUnsignedCharArray> label;
  label->SetName("label");
  for (int i = 0; i < kCells; ++i) label->InsertNextValue(0);
  img->GetCellData()->AddArray(u);
  img->GetCellData()->AddArray(label);
  vtkNew<vtkDoubleArray> t;
  t->SetName("TimeValue");
  t->InsertNextValue(3.5);
  img->GetFieldData()->AddArray(t);
  return write_image(dir, img, layout);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The InputError message reading u gives, or "" when the file is read.
std::string refusal(const std::string& path) {
  try {
    read_vti_cell_array(path, "u", {4, 3, 2});
    return "";
  } catch (const InputError& e) {
    return e.what();
  }
}

std::vector<Layout> every_layout() {
  std::vector<Layout> all;
  for (int header : {vtkXMLWriter::UInt32, vtkXMLWriter::UInt64})
    for (int c : {vtkXMLWriter::NONE, vtkXMLWriter::ZLIB, vtkXMLWriter::LZ4, vtkXMLWriter::LZMA}) {
      all.push_back({vtkXMLWriter::Ascii, false, c, header});
      all.push_back({vtkXMLWriter::Binary, true, c, header});
      all.push_back({vtkXMLWriter::Appended, false, c, header});
      all.push_back({vtkXMLWriter::Appended, true, c, header});
    }
  // The other byte order (header words and values).
  all.push_back({vtkXMLWriter::Appended, false, vtkXMLWriter::ZLIB, vtkXMLWriter::UInt64, true});
  all.push_back({vtkXMLWriter::Binary, true, vtkXMLWriter::NONE, vtkXMLWriter::UInt32, true});
  return all;
}

TEST(VtiLayout, EveryLayoutOfVtksWriterIsRead) {
  test::TempDir dir;
  const auto expect = values();
  for (const Layout& l : every_layout()) {
    const std::string path = write_with_vtk(dir, l);
    const auto got = read_vti_cell_array(path, "u", {4, 3, 2});
    ASSERT_EQ(got.size(), expect.size()) << l.label();
    for (std::size_t i = 0; i < got.size(); ++i)
      ASSERT_EQ(float(got[i]), expect[i]) << l.label() << ", value " << i;
    EXPECT_EQ(read_vti_time(path), 3.5) << l.label();
  }
}

// Compressors shrink a uniform field a thousandfold and more (LZMA on megabyte blocks most):
// such files are read, whatever the block size.
TEST(VtiLayout, AUniformFieldCompressedHardIsRead) {
  test::TempDir dir;
  constexpr int n = 64;
  for (int compressor : {vtkXMLWriter::ZLIB, vtkXMLWriter::LZ4, vtkXMLWriter::LZMA})
    for (int block : {1 << 15, 1 << 20}) {
      vtkNew<vtkImageData> img;
      img->SetDimensions(n + 1, n + 1, n + 1);
      vtkNew<vtkFloatArray> u;
      u->SetName("u");
      u->SetNumberOfTuples(n * n * n);
      u->Fill(0.0);
      img->GetCellData()->AddArray(u);
      const std::string path = write_image(
          dir, img, {vtkXMLWriter::Appended, false, compressor, vtkXMLWriter::UInt32}, block);
      const auto got = read_vti_cell_array(path, "u", {n, n, n});
      EXPECT_EQ(got.size(), std::size_t(n) * n * n) << compressor << ", " << block;
    }
}

// Binary data cut short anywhere in its last values (the closing tags gone with them) is
// refused in every binary layout.
TEST(VtiLayout, BinaryDataCutShortIsRefusedInEveryLayout) {
  test::TempDir dir;
  for (const Layout& l : every_layout()) {
    if (l.mode == vtkXMLWriter::Ascii) continue;
    const std::string bytes = slurp(write_with_vtk(dir, l));
    // The end of the appended data, or of the inline text of the last array.
    const std::size_t end =
        l.mode == vtkXMLWriter::Appended
            ? bytes.rfind("\n  </AppendedData>")
            : bytes.find("\n", bytes.find("\n", bytes.find("Name=\"label\"")) + 1);
    ASSERT_NE(end, std::string::npos) << l.label();
    for (std::size_t cut : {std::size_t(4), std::size_t(12)}) {
      const std::string path = dir.path() + "/cut.vti";
      std::ofstream(path, std::ios::binary) << bytes.substr(0, end - cut);
      const std::string why = refusal(path);
      EXPECT_NE(why.find("cut.vti"), std::string::npos) << l.label() << ", " << cut << ": " << why;
    }
  }
}

// `from` replaced by `to` in the file VTK writes in `layout`; the refusal names `what`.
void expect_refused_edit(const Layout& layout, const std::string& from, const std::string& to,
                         const std::string& what) {
  test::TempDir dir;
  std::string bytes = slurp(write_with_vtk(dir, layout));
  const auto at = bytes.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  bytes.replace(at, from.size(), to);
  const std::string path = dir.path() + "/edited.vti";
  std::ofstream(path, std::ios::binary) << bytes;
  const std::string why = refusal(path);
  EXPECT_NE(why.find("edited.vti"), std::string::npos) << why;
  EXPECT_NE(why.find(what), std::string::npos) << why;
}

const Layout kAppendedZlib{vtkXMLWriter::Appended, false, vtkXMLWriter::ZLIB, vtkXMLWriter::UInt64};
const Layout kInlineZlib{vtkXMLWriter::Binary, true, vtkXMLWriter::ZLIB, vtkXMLWriter::UInt32};

TEST(VtiLayout, TwoArraysOfOneNameAreRefused) {
  // VTK keeps one of them and then reads the second into an array it never made (a crash).
  expect_refused_edit(kAppendedZlib, "Name=\"label\"", "Name=\"u\"", "two arrays named 'u'");
}

TEST(VtiLayout, AnElementThatIsNotADataArrayIsRefused) {
  expect_refused_edit(kAppendedZlib, "<DataArray type=\"UInt8\"", "<Foreign type=\"UInt8\"",
                      "<Foreign> that is not a DataArray");
}

TEST(VtiLayout, UnknownTypesFormatsAndCompressorsAreRefused) {
  expect_refused_edit(kAppendedZlib, "type=\"UInt8\"", "type=\"UInt9\"", "\"UInt9\"");
  expect_refused_edit(kAppendedZlib, "format=\"appended\"", "format=\"packed\"", "\"packed\"");
  expect_refused_edit(kAppendedZlib, "vtkZLibDataCompressor", "vtkZipDataCompressor",
                      "vtkZipDataCompressor");
}

// The geometry import's refusal of the file VTK writes in kAppendedZlib with the extents
// edited (it takes any extent; the initial-values reader refuses one off the grid first).
std::string extent_refusal(const std::string& whole, const std::string& piece) {
  test::TempDir dir;
  std::string bytes = slurp(write_with_vtk(dir, kAppendedZlib));
  const std::string written = "Extent=\"0 4 0 3 0 2\"";
  bytes.replace(bytes.find("Whole" + written) + 5, written.size(), "Extent=\"" + whole + "\"");
  bytes.replace(bytes.find(written, bytes.find("<Piece")), written.size(),
                "Extent=\"" + piece + "\"");
  const std::string path = dir.path() + "/extent.vti";
  std::ofstream(path, std::ios::binary) << bytes;
  try {
    read_label_image(path, "label");
    return "";
  } catch (const InputError& e) {
    return e.what();
  }
}

TEST(VtiLayout, AnExtentLargerThanTheDataIsRefused) {
  // The file claims 8 × 3 × 2 cells; the arrays hold 4 × 3 × 2 (VTK would allocate for the
  // claim and read past the data).
  EXPECT_NE(extent_refusal("0 8 0 3 0 2", "0 8 0 3 0 2").find("where its extent needs"),
            std::string::npos);
}

TEST(VtiLayout, PiecesMustLieInsideAndCoverTheWholeExtent) {
  EXPECT_NE(extent_refusal("0 4 0 3 0 2", "0 8 0 3 0 2").find("lies outside the WholeExtent"),
            std::string::npos);
  // A whole extent of 10^8 layers around a piece of 2: VTK allocated gigabytes for it (found by
  // fuzzing); the values outside the piece would be whatever the memory held.
  EXPECT_NE(extent_refusal("0 4 0 3 0 100000000", "0 4 0 3 0 2")
                .find("its pieces hold 24 of the 1200000000 cells"),
            std::string::npos);
  EXPECT_EQ(extent_refusal("0 4 0 3 0 2", "0 4 0 3 0 2"), "");
}

// A piece without a PointData element (other writers leave it out) whose cell array cannot be
// read: VTK 9.1's own reader dereferences the missing element in its error message (a crash);
// lobule's reader refuses the file naming it.
TEST(VtiLayout, ADamagedCellArrayInAPieceWithoutPointDataIsRefused) {
  for (const Layout& l :
       {Layout{vtkXMLWriter::Ascii, false, vtkXMLWriter::NONE, vtkXMLWriter::UInt32},
        Layout{vtkXMLWriter::Appended, false, vtkXMLWriter::ZLIB, vtkXMLWriter::UInt64}}) {
    test::TempDir dir;
    std::string bytes = slurp(write_with_vtk(dir, l));
    const auto from = bytes.find("<PointData>"), to = bytes.find("</PointData>");
    ASSERT_NE(from, std::string::npos);
    bytes.erase(from, to + 12 - from);
    if (l.mode == vtkXMLWriter::Ascii) {
      const auto text = bytes.find('>', bytes.find("Name=\"u\"")) + 1;
      bytes.insert(text, " not-a-number ");
    } else {  // the first bytes of u's zlib stream (after its 4-word header)
      const auto data = bytes.find('_', bytes.find("<AppendedData")) + 1;
      const auto at = bytes.find("offset=\"", bytes.find("Name=\"u\"")) + 8;
      const std::size_t u = data + std::stoull(bytes.substr(at)) + 4 * 8;
      for (std::size_t i = 0; i < 6; ++i) bytes[u + i] = char(0xA5);
    }
    const std::string path = dir.path() + "/no_point_data.vti";
    std::ofstream(path, std::ios::binary) << bytes;
    EXPECT_NE(refusal(path).find("no_point_data.vti"), std::string::npos) << l.label();
  }
}

TEST(VtiLayout, ADamagedInlineBlockTableIsRefused) {
  // The base64 compression header of the inline u: 1 block of 2^31 bytes (VTK allocates it).
  // Header words (UInt32): [1, 0x80000000, 96, 27] in base64.
  test::TempDir dir;
  std::string bytes = slurp(write_with_vtk(dir, kInlineZlib));
  const auto tag = bytes.find("Name=\"u\"");
  const auto text = bytes.find_first_not_of(" \n", bytes.find('>', tag) + 1);
  bytes.replace(text, 24, "AQAAAAAAAIBgAAAAGwAAAA==");
  const std::string path = dir.path() + "/inline.vti";
  std::ofstream(path, std::ios::binary) << bytes;
  const std::string why = refusal(path);
  EXPECT_NE(why.find("compression header of 1 blocks of 2147483648 bytes"), std::string::npos)
      << why;
}

TEST(VtiLayout, AnAngleBracketInsideAnAttributeDoesNotHideTheHeaderType) {
  // A '>' inside an attribute of VTKFile: the header words are UInt64 all the same (VTK's XML
  // parser reads the attribute whole). Field data at offset 1 of a zlib file: a block table of
  // 2^59 bytes per block, which VTK would allocate.
  test::TempDir dir;
  std::string bytes = slurp(write_with_vtk(dir, kAppendedZlib));
  bytes.replace(bytes.find("version=\""), 9, "version=\"1>");
  const auto at = bytes.find("offset=\"", bytes.find("Name=\"TimeValue\"")) + 8;
  const auto digits = bytes.find('"', at) - at;
  bytes.replace(at, digits, std::to_string(std::stoull(bytes.substr(at, digits)) + 1));
  const std::string path = dir.path() + "/bracket.vti";
  std::ofstream(path, std::ios::binary) << bytes;
  EXPECT_NE(refusal(path).find("array 'TimeValue'"), std::string::npos) << refusal(path);
}

}  // namespace
}  // namespace lobule

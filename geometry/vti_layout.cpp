#include "vti_layout.hpp"
#include "vtk_messages.hpp"

#include <fmt/format.h>
#include <vtkNew.h>
#include <vtkXMLDataElement.h>
#include <vtkXMLDataParser.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include "input_error.hpp"

namespace lobule {
namespace {

using u64 = std::uint64_t;

// The uncompressed size of one compressed block may be at most this many times its compressed
// size plus this many bytes. zlib stays under about 1 030 : 1 and LZ4 under 255 : 1 on any
// input; LZMA reaches a few thousand to one on megabyte blocks of zeros. The bound keeps a 10 kB
// file from making VTK allocate terabytes.
constexpr u64 kMaxExpansion = u64(1) << 14;
// VTK writes 32 KiB blocks; a block size above this is damage, not a choice.
constexpr u64 kMaxBlockSize = u64(1) << 26;

// Bytes of one value of a VTK type name, or 0 when VTK's reader does not know the name (it
// crashes on such an array).
int type_bytes(const char* type) {
  static const struct {
    const char* name;
    int bytes;
  } known[] = {{"Int8", 1},   {"UInt8", 1}, {"Int16", 2},  {"UInt16", 2},  {"Int32", 4},
               {"UInt32", 4}, {"Int64", 8}, {"UInt64", 8}, {"Float32", 4}, {"Float64", 8}};
  for (const auto& k : known)
    if (type && std::strcmp(type, k.name) == 0) return k.bytes;
  return 0;
}

// A non-negative decimal attribute (surrounding spaces allowed) up to 2^62, or -1 when the
// attribute is missing or anything else.
long long whole_attribute(vtkXMLDataElement* e, const char* name) {
  const char* s = e->GetAttribute(name);
  if (!s) return -1;
  while (*s == ' ') ++s;
  if (*s < '0' || *s > '9') return -1;
  long long v = 0;
  for (; *s >= '0' && *s <= '9'; ++s) {
    if (v > (1LL << 62) / 10) return -1;
    v = v * 10 + (*s - '0');
  }
  while (*s == ' ') ++s;
  return *s ? -1 : v;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// How the file stores binary data (attributes of the VTKFile element, as VTK reads them).
struct Encoding {
  int word = 4;  // header_type: UInt32 (VTK's default) or UInt64
  bool big_endian = false;
  bool compressed = false;
};

// Reads header words of a binary data stream: raw bytes, or base64 text that VTK decodes.
class HeaderWords {
 public:
  HeaderWords(std::ifstream& in, u64 size, const Encoding& enc) : in_(in), size_(size), enc_(enc) {}

  // The first `count` words of the stream starting at file byte `at`; false when the file
  // ends first (or the base64 text is not base64).
  bool read(u64 at, bool base64, u64 count, std::vector<u64>& words) {
    const u64 bytes = count * u64(enc_.word);
    std::vector<unsigned char> b;
    if (!(base64 ? decode(at, bytes, b) : raw(at, bytes, b))) return false;
    words.assign(count, 0);
    for (u64 i = 0; i < count; ++i)
      for (int k = 0; k < enc_.word; ++k) {
        const int byte = enc_.big_endian ? k : enc_.word - 1 - k;
        words[i] = (words[i] << 8) | b[i * enc_.word + u64(byte)];
      }
    return true;
  }

 private:
  bool raw(u64 at, u64 bytes, std::vector<unsigned char>& b) {
    if (at > size_ || bytes > size_ - at) return false;
    b.resize(bytes);
    in_.clear();
    in_.seekg(std::streamoff(at));
    return bool(in_.read(reinterpret_cast<char*>(b.data()), std::streamsize(bytes)));
  }

  // Decodes the first `bytes` bytes of the base64 text at `at` (4 characters per 3 bytes).
  bool decode(u64 at, u64 bytes, std::vector<unsigned char>& b) {
    const u64 chars = 4 * ((bytes + 2) / 3);
    std::vector<unsigned char> text;
    if (!raw(at, chars, text)) return false;
    b.clear();
    for (u64 q = 0; q < chars; q += 4) {
      unsigned v = 0;
      for (int k = 0; k < 4; ++k) {
        const int d = digit(text[q + u64(k)]);
        if (d < 0) return false;
        v = (v << 6) | unsigned(d);
      }
      for (int k = 2; k >= 0; --k) b.push_back(static_cast<unsigned char>(v >> (8 * k)));
    }
    b.resize(bytes);
    return true;
  }

  static int digit(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return c == '=' ? 0 : -1;
  }

  std::ifstream& in_;
  u64 size_;
  Encoding enc_;
};

// Characters of base64 text holding `bytes` bytes.
u64 base64_chars(u64 bytes) {
  return 4 * ((bytes + 2) / 3);
}

// One DataArray's binary data: where it starts, how it is stored, the bytes VTK will allocate
// for it (`needed`, from the extent or NumberOfTuples).
struct ArrayData {
  std::string path, name;
  u64 start = 0;
  bool base64 = false;
  u64 needed = 0;
};

[[noreturn]] void damaged(const ArrayData& a, const std::string& why) {
  throw InputError(
      fmt::format("{}: array '{}' {}: the file is truncated or damaged", a.path, a.name, why));
}

// Layout (VTK XML binary data, raw or base64): uncompressed, a header word holding the byte
// count, then the bytes (one base64 text). Compressed: [blocks, block size, last block size,
// compressed size of each block] (one base64 text), then the compressed blocks (another).
// Words are UInt32 or UInt64 (header_type). Checks that the data fits in the file, that the
// block table and block sizes are sane (VTK allocates both before reading), and that the data
// holds the `needed` bytes VTK allocates for the array.
void check_binary_data(HeaderWords& words, const Encoding& enc, u64 size, const ArrayData& a) {
  const u64 w = u64(enc.word);
  auto header_end = [&](u64 header_bytes) {
    return a.start + (a.base64 ? base64_chars(header_bytes) : header_bytes);
  };
  auto data_bytes = [&](u64 bytes) { return a.base64 ? base64_chars(bytes) : bytes; };
  std::vector<u64> h;
  u64 end = 0, declared = 0;
  if (!enc.compressed) {
    if (!words.read(a.start, a.base64, 1, h)) damaged(a, "has no data header");
    declared = h[0];
    if (declared > size) damaged(a, fmt::format("declares {} bytes in a file of {}", h[0], size));
    end = a.base64 ? a.start + base64_chars(w + declared) : a.start + w + declared;
  } else {
    if (!words.read(a.start, a.base64, 3, h)) damaged(a, "has no compression header");
    const u64 n = h[0], block = h[1], last = h[2];
    if (n == 0 || block == 0 || block > kMaxBlockSize || last > block)
      damaged(a, fmt::format("has a compression header of {} blocks of {} bytes, the last {}", n,
                             block, last));
    if (n > size / w || header_end((3 + n) * w) > size || !words.read(a.start, a.base64, 3 + n, h))
      damaged(a, fmt::format("has a table of {} blocks that runs past the end of the file", n));
    u64 packed = 0;
    for (u64 b = 0; b < n; ++b) {
      const u64 c = h[3 + b], raw = b + 1 < n || last == 0 ? block : last;
      if (c > size || raw > kMaxExpansion * c + kMaxExpansion)
        damaged(a, fmt::format("has block {} of {} bytes compressed to {}", b, raw, c));
      packed += c;  // no overflow: each term is at most the file size
      declared += raw;
    }
    end = header_end((3 + n) * w) + data_bytes(packed);
  }
  if (end > size)
    damaged(a, fmt::format("ends at byte {}, past the end of the file ({} bytes)", end, size));
  if (declared < a.needed)
    damaged(a, fmt::format("holds {} bytes where its extent needs {}", declared, a.needed));
}

// The 6 integers of an extent attribute (`what` names its element in the message), or
// InputError.
std::array<int, 6> extent_attribute(const std::string& path, vtkXMLDataElement* e,
                                    const char* attribute, const char* what) {
  std::array<int, 6> x{};
  if (e->GetVectorAttribute(attribute, 6, x.data()) != 6)
    throw InputError(
        fmt::format("{}: {} has no {} of 6 integers: the file is damaged", path, what, attribute));
  return x;
}

// InputError when an extent runs backwards along an axis.
void require_forward(const std::string& path, const std::array<int, 6>& x, const char* what) {
  for (int a = 0; a < 3; ++a)
    if (x[2 * a + 1] < x[2 * a])
      throw InputError(fmt::format("{}: {} has the reversed extent {} .. {} along {}", path, what,
                                   x[2 * a], x[2 * a + 1], "xyz"[a]));
}

// The cells (or points) of an extent, or InputError above 2^40.
u64 voxels_of(const std::string& path, const std::array<int, 6>& x, bool cells) {
  u64 n = 1;
  for (int a = 0; a < 3; ++a) {
    const u64 points = u64(std::int64_t(x[2 * a + 1]) - x[2 * a]) + 1;
    const u64 along = cells ? std::max<u64>(points - 1, 1) : points;
    if (along > (u64(1) << 40) / n)
      throw InputError(fmt::format("{}: an extent holds over 2^40 voxels", path));
    n *= along;
  }
  return n;
}

struct FileCheck {
  std::string path;
  std::ifstream& in;
  u64 size;
  Encoding enc;
  vtkXMLDataParser* parser;
  vtkXMLDataElement* appended = nullptr;  // the AppendedData element, if any

  // VTK's reader creates an array for every element nested in FieldData, PointData and
  // CellData and dereferences it without a check (found by fuzzing): each must be a
  // DataArray of a known type and a name of its own, in a format VTK knows, with data that
  // fits the file and holds the values VTK allocates for it.
  void section(vtkXMLDataElement* s, const char* what, long long tuples) {
    std::set<std::string> names;
    for (int i = 0; i < s->GetNumberOfNestedElements(); ++i) {
      vtkXMLDataElement* e = s->GetNestedElement(i);
      if (std::strcmp(e->GetName(), "DataArray") != 0)
        throw InputError(
            fmt::format("{}: {} holds an element <{}> that is not a DataArray: the "
                        "file is damaged",
                        path, what, e->GetName()));
      const char* name = e->GetAttribute("Name");
      if (!name || !*name)
        throw InputError(
            fmt::format("{}: a DataArray in {} has no Name: the file is damaged", path, what));
      if (!names.insert(name).second)
        throw InputError(fmt::format(
            "{}: {} holds two arrays named '{}' (VTK keeps one of them): rename or remove one",
            path, what, name));
      const int bytes = type_bytes(e->GetAttribute("type"));
      if (bytes == 0)
        throw InputError(fmt::format(
            "{}: array '{}' has type \"{}\", which is not a VTK data type (Int8 ... UInt64, "
            "Float32, Float64)",
            path, name, e->GetAttribute("type") ? e->GetAttribute("type") : "(none)"));
      long long comps = 1;
      if (e->GetAttribute("NumberOfComponents")) comps = whole_attribute(e, "NumberOfComponents");
      if (comps < 1 || comps > 64)
        throw InputError(fmt::format("{}: array '{}' has NumberOfComponents \"{}\" (1 to 64)", path,
                                     name, e->GetAttribute("NumberOfComponents")));
      long long n = tuples;
      if (n < 0) {  // field data: its own NumberOfTuples
        n = e->GetAttribute("NumberOfTuples") ? whole_attribute(e, "NumberOfTuples") : 0;
        if (n < 0 || n > (1LL << 30))
          throw InputError(fmt::format("{}: array '{}' has NumberOfTuples \"{}\"", path, name,
                                       e->GetAttribute("NumberOfTuples")));
      }
      const char* format = e->GetAttribute("format");
      const std::string f = format ? format : "";
      ArrayData a{path, name, 0, true, u64(n) * u64(comps) * u64(bytes)};
      if (f == "appended") {
        const long long offset = whole_attribute(e, "offset");
        if (!appended || offset < 0)
          throw InputError(fmt::format("{}: array '{}' is appended without {}: the file is damaged",
                                       path, name,
                                       appended ? "a numeric offset" : "an AppendedData section"));
        const char* encoding = appended->GetAttribute("encoding");
        a.base64 = !(encoding && std::strcmp(encoding, "raw") == 0);
        a.start = u64(parser->GetAppendedDataPosition()) + u64(offset);
      } else if (f == "binary") {
        a.start = inline_data_position(e);
      } else if (f == "ascii") {
        // Each value takes at least two characters (a digit and a separator).
        if (a.needed / u64(bytes) > size / 2)
          damaged(a, fmt::format("needs {} ascii values in a file of {} bytes",
                                 a.needed / u64(bytes), size));
        continue;
      } else {
        throw InputError(
            fmt::format("{}: array '{}' has format \"{}\"; VTK reads ascii, binary and appended",
                        path, name, f));
      }
      HeaderWords words(in, size, enc);
      check_binary_data(words, enc, size, a);
    }
  }

  // Where VTK starts reading an inline array's text: past the end of its start tag ('>') and
  // white space (vtkXMLDataParser::SeekInlineDataPosition).
  u64 inline_data_position(vtkXMLDataElement* e) {
    in.clear();
    in.seekg(std::streamoff(e->GetXMLByteIndex()));
    char c = 0;
    while (in.get(c) && c != '>') {
    }
    while (in.get(c) && is_space(c)) {
    }
    return in ? u64(in.tellg()) - 1 : size;
  }
};

}  // namespace

void check_vti_file(const std::string& path,
                    const std::function<void(const int* cells)>& whole_extent) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;  // the reader says why
  in.seekg(0, std::ios::end);
  const u64 size = u64(in.tellg());
  in.seekg(0);

  // VTK's own XML parser reads the structure (it stops at the appended data).
  VtkMessages msg;
  vtkNew<vtkXMLDataParser> parser;
  msg.watch(parser);
  parser->SetStream(&in);
  if (!parser->Parse() || msg.any() || !parser->GetRootElement())
    throw InputError(fmt::format("{}: not a readable VTK XML file: {}", path,
                                 msg.reason("its XML does not parse")));
  vtkXMLDataElement* root = parser->GetRootElement();
  vtkXMLDataElement* image = root->FindNestedElementWithName("ImageData");
  if (std::strcmp(root->GetName(), "VTKFile") != 0 || !image)
    throw InputError(fmt::format("{}: not a VTK ImageData (.vti) file", path));

  const auto whole = extent_attribute(path, image, "WholeExtent", "ImageData");
  if (whole_extent) {
    int cells[3];  // clamped: the difference of two ints may not fit one
    for (int a = 0; a < 3; ++a)
      cells[a] = int(
          std::clamp<long long>((long long)(whole[2 * a + 1]) - whole[2 * a], INT_MIN, INT_MAX));
    whole_extent(cells);
  }
  require_forward(path, whole, "ImageData");

  Encoding enc;
  const char* header_type = root->GetAttribute("header_type");
  if (header_type && std::strcmp(header_type, "UInt64") == 0) enc.word = 8;
  const char* order = root->GetAttribute("byte_order");
  enc.big_endian = order && std::strcmp(order, "BigEndian") == 0;
  if (const char* c = root->GetAttribute("compressor")) {
    static const char* known[] = {"vtkZLibDataCompressor", "vtkLZ4DataCompressor",
                                  "vtkLZMADataCompressor"};
    if (std::none_of(std::begin(known), std::end(known),
                     [&](const char* k) { return std::strcmp(c, k) == 0; }))
      throw InputError(
          fmt::format("{}: compressor \"{}\" is not one VTK has (vtkZLibDataCompressor, "
                      "vtkLZ4DataCompressor, vtkLZMADataCompressor)",
                      path, c));
    enc.compressed = true;
  }

  FileCheck check{path, in, size, enc, parser, root->FindNestedElementWithName("AppendedData")};
  if (check.appended) {
    // The data starts after a '_' (VTK reads from wherever it ends up otherwise).
    const char* encoding = check.appended->GetAttribute("encoding");
    if (!encoding || (std::strcmp(encoding, "raw") != 0 && std::strcmp(encoding, "base64") != 0))
      throw InputError(fmt::format("{}: AppendedData has encoding \"{}\" (raw or base64)", path,
                                   encoding ? encoding : "(none)"));
    const auto at = parser->GetAppendedDataPosition();
    char c = 0;
    in.clear();
    if (at > 0) in.seekg(at - 1);
    if (at <= 0 || !in.get(c) || c != '_')
      throw InputError(
          fmt::format("{}: the appended data does not start with '_': the file is damaged", path));
  }
  // VTK allocates every array for the whole extent and fills it from the pieces: they must lie
  // inside it and cover it (a small piece in a huge extent made it allocate gigabytes of values
  // nothing would set).
  const u64 whole_cells = voxels_of(path, whole, true);
  u64 covered = 0;
  for (int i = 0; i < image->GetNumberOfNestedElements(); ++i) {
    vtkXMLDataElement* e = image->GetNestedElement(i);
    if (std::strcmp(e->GetName(), "FieldData") == 0) check.section(e, "FieldData", -1);
    if (std::strcmp(e->GetName(), "Piece") != 0) continue;
    const auto x = extent_attribute(path, e, "Extent", "a Piece");
    require_forward(path, x, "a Piece");
    for (int a = 0; a < 6; a += 2)
      if (x[a] < whole[a] || x[a + 1] > whole[a + 1])
        throw InputError(
            fmt::format("{}: a Piece's extent {} .. {} along {} lies outside the "
                        "WholeExtent {} .. {}",
                        path, x[a], x[a + 1], "xyz"[a / 2], whole[a], whole[a + 1]));
    covered += voxels_of(path, x, true);  // at most 2^40 per piece, and pieces are few
    for (int k = 0; k < e->GetNumberOfNestedElements(); ++k) {
      vtkXMLDataElement* s = e->GetNestedElement(k);
      const bool cells = std::strcmp(s->GetName(), "CellData") == 0;
      if (cells || std::strcmp(s->GetName(), "PointData") == 0)
        check.section(s, s->GetName(), (long long)(voxels_of(path, x, cells)));
    }
  }
  if (covered < whole_cells)
    throw InputError(fmt::format(
        "{}: its pieces hold {} of the {} cells of its WholeExtent: the file is damaged", path,
        covered, whole_cells));
}

std::string input_file_problem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (fs::is_regular_file(st)) return "";
  if (!fs::exists(st)) return "no such file: " + path;
  if (fs::is_directory(st)) return path + " is a directory, not a file";
  return path + " is not a regular file (a device or a pipe?)";
}

}  // namespace lobule

#include "vti_layout.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <vector>

#include "host/errors.hpp"

namespace lobule {
namespace {

// The offset attribute of a DataArray tag (its first capture: the decimal offset).
const std::regex& offset_attribute() {
  static const std::regex re(R"re(\soffset\s*=\s*"(\d{1,18})")re");
  return re;
}

// Reads an unsigned little-endian integer of `bytes` (4 or 8) at `at`; false past the end.
bool read_uint(std::ifstream& in, std::uint64_t at, int bytes, std::uint64_t& v) {
  unsigned char b[8] = {};
  in.clear();
  in.seekg(std::streamoff(at));
  if (!in.read(reinterpret_cast<char*>(b), bytes)) return false;
  v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[i];
  return true;
}

// VTK's reader creates an array for every element nested in FieldData, PointData and
// CellData and dereferences it without a check: an element that is not a DataArray, or has a
// missing or unknown type, crashes it (found by fuzzing). Each must be a DataArray whose type
// VTK knows.
void check_array_types(const std::string& path, const std::string& xml) {
  static const std::regex type_re(R"re(\stype\s*=\s*"([^"]*)")re");
  static const char* known[] = {"Int8",   "UInt8", "Int16",  "UInt16",  "Int32",
                                "UInt32", "Int64", "UInt64", "Float32", "Float64"};
  for (const char* section : {"FieldData", "PointData", "CellData"}) {
    const std::string open = std::string("<") + section, close = std::string("</") + section;
    for (auto at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
      const auto body = xml.find('>', at);
      if (body == std::string::npos || xml[body - 1] == '/') continue;  // <CellData/>
      const auto end = xml.find(close, body);
      for (auto e = xml.find('<', body); e != std::string::npos && e < end;
           e = xml.find('<', e + 1)) {
        if (xml.compare(e + 1, 1, "/") == 0 || xml.compare(e + 1, 1, "!") == 0) continue;
        const std::string tag = xml.substr(e, xml.find('>', e) - e);
        if (tag.compare(0, 11, "<DataArray ") != 0 && tag.compare(0, 11, "<DataArray\t") != 0)
          throw InputError(
              fmt::format("{}: {} holds an element that is not a DataArray: the "
                          "file is damaged",
                          path, section));
        std::smatch m;
        if (!std::regex_search(tag, m, type_re))
          throw InputError(fmt::format("{}: a DataArray has no type: the file is damaged", path));
        bool ok = false;
        for (const char* k : known) ok = ok || m[1] == k;
        if (!ok)
          throw InputError(
              fmt::format("{}: a DataArray has type \"{}\", which is not a VTK data "
                          "type (Int8 ... UInt64, Float32, Float64)",
                          path, m[1].str()));
        // Its format must be one VTK knows, and appended data needs its offset.
        static const std::regex format_re(R"re(\sformat\s*=\s*"(ascii|binary|appended)")re");
        std::smatch f;
        if (!std::regex_search(tag, f, format_re) ||
            (f[1] == "appended" && !std::regex_search(tag, offset_attribute())))
          throw InputError(
              fmt::format("{}: a DataArray has no usable format (ascii, binary, or "
                          "appended with an offset): the file is damaged",
                          path));
      }
    }
  }
}

}  // namespace

// Layout (VTK XML, appended raw): after `<AppendedData encoding="raw">` and white space, a '_';
// array data starts at that '_' + 1 + offset. Uncompressed: a header integer holding the byte
// count, then the bytes. Compressed: [blocks, block size, last block size, compressed size of
// each block], then the compressed blocks. Integers are UInt32 or UInt64 (header_type).
void check_vti_appended_data(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;  // the reader says why
  in.seekg(0, std::ios::end);
  const std::uint64_t size = std::uint64_t(in.tellg());
  in.seekg(0);
  std::string head(std::size_t(std::min<std::uint64_t>(size, 1 << 20)), '\0');
  in.read(head.data(), std::streamsize(head.size()));
  check_array_types(path, head.substr(0, head.find("<AppendedData")));
  const auto appended = head.find("<AppendedData");
  if (appended == std::string::npos) return;
  const auto tag_end = head.find('>', appended);
  if (tag_end == std::string::npos || head.find("encoding=\"raw\"", appended) > tag_end) return;
  // The data starts at the '_' that follows the tag and white space (VTK scans further for one,
  // and then reads block tables at offsets nobody wrote).
  const auto underscore = head.find_first_not_of(" \t\r\n", tag_end + 1);
  if (underscore == std::string::npos || head[underscore] != '_')
    throw InputError(
        fmt::format("{}: the appended data does not start with '_': the file is damaged", path));
  const std::uint64_t data0 = underscore + 1;
  const std::string xml = head.substr(0, appended);
  // Attributes of the VTKFile element, matched whole (VTK reads header_type as UInt32 when the
  // attribute is missing, whatever else the text says).
  const std::string file_tag = xml.substr(0, xml.find('>', xml.find("<VTKFile")));
  static const std::regex uint64_re(R"re(\sheader_type\s*=\s*"UInt64")re");
  static const std::regex compressor_re(R"re(\scompressor\s*=\s*"[^"]+")re");
  const int word = std::regex_search(file_tag, uint64_re) ? 8 : 4;
  const bool compressed = std::regex_search(file_tag, compressor_re);

  // Every DataArray with an offset, named or not (VTK reads it either way).
  static const std::regex name_re(R"re(\sName\s*=\s*"([^"]*)")re");
  for (auto at = xml.find("<DataArray"); at != std::string::npos;
       at = xml.find("<DataArray", at + 1)) {
    const std::string tag = xml.substr(at, xml.find('>', at) - at);
    std::smatch m;
    // An appended array without its offset attribute is read from offset 0.
    const bool has_offset = std::regex_search(tag, m, offset_attribute());
    if (!has_offset && tag.find("appended") == std::string::npos) continue;
    const std::uint64_t start = data0 + (has_offset ? std::stoull(m[1]) : 0);
    const std::string name = std::regex_search(tag, m, name_re) ? m[1].str() : "(unnamed)";
    std::uint64_t end = 0, n = 0;
    bool ok = read_uint(in, start, word, n);
    if (ok && !compressed) {
      end = start + word + n;
    } else if (ok) {
      end = start + std::uint64_t(word) * 3;
      // The table of block sizes must itself fit in the file (VTK allocates it first), and the
      // uncompressed block size, which VTK divides by and allocates, must be positive and at
      // most 64 MiB (VTK writes 32 KiB blocks).
      std::uint64_t block_size = 0, last_size = 0;
      ok = n <= size / std::uint64_t(word) && start + std::uint64_t(word) * (3 + n) <= size &&
           read_uint(in, start + word, word, block_size) &&
           read_uint(in, start + 2 * std::uint64_t(word), word, last_size) &&
           block_size <= (std::uint64_t(1) << 26) && last_size <= block_size && block_size > 0 &&
           n > 0;  // VTK divides by it, and reads block 0 of any table
      for (std::uint64_t b = 0; ok && b < n; ++b) {
        std::uint64_t block = 0;
        ok = read_uint(in, start + std::uint64_t(word) * (3 + b), word, block) && block <= size;
        end += word + block;  // no overflow: each term is at most the file size
      }
    }
    if (!ok || end > size)
      throw InputError(fmt::format(
          "{}: the data of array '{}' {} past the end of the file ({} bytes): the file is "
          "truncated or damaged",
          path, name, ok ? fmt::format("ends at byte {},", end) : std::string("runs"), size));
  }
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

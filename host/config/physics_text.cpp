#include "physics_text.hpp"

#include <fmt/format.h>

#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

namespace lobule {
namespace {

constexpr int kMaxDepth = 32;  // physics texts are shallow; deeper means a damaged document

// A number as its shortest decimal that reads back to the same double: the emitter writes 17
// digits ("0.029999999999999999"), a message names the 0.03 the user wrote. A quantity with a
// unit ("0.023104906018664842 1/s") has its number shortened the same way; other text is kept.
std::string shortest(const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(begin, &end);
  if (end == begin || errno == ERANGE || !std::isfinite(v)) return text;
  if (*end != '\0' && *end != ' ') return text;
  return fmt::format("{}", v) + std::string(end);
}

// One-line rendering of a value for a difference message (lists and maps are not printed:
// a YAML alias can make them cyclic).
std::string show(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "(absent)";
  if (n.IsScalar()) return shortest(n.Scalar());
  return n.IsSequence() ? fmt::format("(a list of {})", n.size()) : "(a mapping)";
}

void diff(const YAML::Node& a, const YAML::Node& b, const std::string& path,
          std::vector<std::string>& out, std::size_t limit, int depth = 0) {
  if (out.size() >= limit) return;
  if (depth > kMaxDepth) {
    out.push_back(fmt::format("{}: nested too deeply to compare", path));
    return;
  }
  const auto key = [&](const std::string& k) { return path.empty() ? k : path + "." + k; };
  // A key missing on one side is an invalid node there: only IsDefined() may be asked.
  const bool both = a.IsDefined() && b.IsDefined();
  if (both && a.IsMap() && b.IsMap()) {
    std::set<std::string> keys;
    for (const auto& kv : a) keys.insert(kv.first.Scalar());
    for (const auto& kv : b) keys.insert(kv.first.Scalar());
    for (const auto& k : keys) diff(a[k], b[k], key(k), out, limit, depth + 1);
    return;
  }
  if (both && a.IsSequence() && b.IsSequence() && a.size() == b.size()) {
    for (std::size_t i = 0; i < a.size(); ++i)
      diff(a[i], b[i], fmt::format("{}[{}]", path, i), out, limit, depth + 1);
    return;
  }
  if (show(a) != show(b))
    out.push_back(fmt::format("{}: {} in the checkpoint, {} in the config",
                              path.empty() ? "(document)" : path, show(a), show(b)));
}

// The CRC-32 (zlib) of a file's bytes as 8 hex digits, or "unreadable".
std::string file_crc32(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "unreadable";
  uLong crc = crc32(0L, Z_NULL, 0);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), std::streamsize(buf.size()));
    const std::streamsize n = in.gcount();
    if (n > 0) crc = crc32(crc, reinterpret_cast<const Bytef*>(buf.data()), uInt(n));
  }
  return fmt::format("{:08x}", crc);
}

}  // namespace

std::string physics_text(const Config& c) {
  YAML::Node n = resolved_yaml(c);
  for (const char* k : {"name", "output", "checkpoint", "backend"}) n.remove(k);
  if (n["time"].IsMap()) n["time"].remove("end");
  // A restart builds the geometry again from its file: the file's content is physics (a file
  // rewritten under a restart, same grid, other labels, made half the box outside mid-run).
  if (c.geometry.kind == "file" && n["geometry"].IsMap())
    n["geometry"]["content_crc32"] = file_crc32(c.geometry.path);
  YAML::Emitter out;
  out << n;
  return std::string(out.c_str()) + "\n";
}

std::vector<std::string> physics_differences(const std::string& checkpoint,
                                             const std::string& config, std::size_t limit,
                                             const std::string& source) {
  std::vector<std::string> out;
  YAML::Node a, b;
  try {
    a = YAML::Load(checkpoint);
    b = YAML::Load(config);
  } catch (const YAML::Exception&) {
    out.push_back("the checkpoint's physics description is not readable YAML");
    return out;
  }
  diff(a, b, "", out, limit);
  if (source != "the checkpoint")
    for (auto& line : out)
      if (const auto at = line.rfind(" in the checkpoint, "); at != std::string::npos)
        line.replace(at, 18, " in " + source);
  if (out.empty() && checkpoint != config)
    out.push_back("the physics descriptions differ in formatting only (another lobule version?)");
  return out;
}

}  // namespace lobule

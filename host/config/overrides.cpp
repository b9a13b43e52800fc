#include "overrides.hpp"

#include <fmt/format.h>

#include <cctype>
#include <stdexcept>
#include <vector>

namespace lobule {
namespace {

// Splits "a.b[2].c" into {"a", "b", "2", "c"}: keys joined by dots, each optionally followed by
// [index] or [name]. Throws std::invalid_argument saying what is wrong and where: an empty key
// ("a..b", "a.", ".a"), an unclosed or stray bracket, an empty [].
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  const auto bad = [&](std::size_t at, const char* what) {
    return std::invalid_argument(
        fmt::format("the key path '{}' is malformed at character {}: {}", path, at + 1, what));
  };
  std::size_t i = 0;
  while (true) {
    const std::size_t start = i;
    while (i < path.size() && path[i] != '.' && path[i] != '[' && path[i] != ']') ++i;
    if (i == start) throw bad(i, "a key is missing (two dots, or a dot at an end?)");
    out.push_back(path.substr(start, i - start));
    while (i < path.size() && path[i] == '[') {
      const std::size_t close = path.find(']', i + 1);
      if (close == std::string::npos) throw bad(i, "'[' is never closed");
      const std::string inner = path.substr(i + 1, close - i - 1);
      if (inner.empty() || inner.find_first_of(".[") != std::string::npos)
        throw bad(i, "expected [index] or [name]");
      out.push_back(inner);
      i = close + 1;
    }
    if (i == path.size()) return out;
    if (path[i] != '.') throw bad(i, path[i] == ']' ? "']' without '['" : "expected '.'");
    ++i;
  }
}

bool all_digits(const std::string& s) {
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

}  // namespace

void apply_override(YAML::Node& root, const std::string& assignment, ConfigSource& src) {
  const std::string where = "--set " + assignment;
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) throw ConfigError(where, "", "expected key.path=value");
  std::vector<std::string> segs;
  try {
    segs = split_path(assignment.substr(0, eq));
  } catch (const std::invalid_argument& e) {
    throw ConfigError(where, "", e.what());
  }
  const std::string text = assignment.substr(eq + 1);
  if (segs.empty()) throw ConfigError(where, "", "expected key.path=value");
  YAML::Node value;
  try {
    value = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(where, "", fmt::format("the value is not valid YAML: {}", e.msg));
  }
  if (!value.IsDefined() || value.IsNull()) throw ConfigError(where, "", "the value is empty");

  YAML::Node cur;
  cur.reset(root);
  std::string canon;
  for (std::size_t s = 0; s < segs.size(); ++s) {
    const std::string& seg = segs[s];
    const bool last = s + 1 == segs.size();
    if (cur.IsSequence()) {
      std::size_t i = cur.size();
      if (all_digits(seg)) {
        if (seg.size() <= 9) i = std::stoul(seg);  // longer: beyond any list, and stoul's range
      } else {
        for (std::size_t k = 0; k < cur.size(); ++k)
          if (cur[k].IsMap() && cur[k]["name"] && cur[k]["name"].Scalar() == seg) i = k;
      }
      if (i >= cur.size())
        throw ConfigError(where, canon,
                          fmt::format("no list entry '{}' (it has {} entries)", seg, cur.size()));
      canon += fmt::format("[{}]", i);
      if (last) {
        cur[i] = value;
      } else {
        YAML::Node next = cur[i];
        cur.reset(next);
      }
      continue;
    }
    if (cur.IsDefined() && !cur.IsNull() && !cur.IsMap())
      throw ConfigError(where, canon, "is a single value and has no keys below it");
    canon += (canon.empty() ? "" : ".") + seg;
    if (last) {
      cur[seg] = value;
    } else {
      YAML::Node next = cur[seg];
      cur.reset(next);
    }
  }
  src.overrides[canon] = where;
}

}  // namespace lobule

// Reads a scenario YAML file into a validated Config; every error names file, line and key.
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "config.hpp"
#include "overrides.hpp"
#include "parse_sections.hpp"

namespace lobule {
namespace {

// YAML keeps the first of two equal keys in a mapping and drops the rest without a word: refuse
// a repeated key, naming both lines. Depth-bounded (aliases can make a tree very deep).
void refuse_repeated_keys(const YAML::Node& n, const std::string& file, const std::string& path,
                          int depth = 0) {
  if (depth > 64 || !n.IsDefined()) return;
  if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i)
      refuse_repeated_keys(n[i], file, fmt::format("{}[{}]", path, i), depth + 1);
    return;
  }
  if (!n.IsMap()) return;
  std::map<std::string, int> seen;  // key -> first line (1-based)
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) continue;
    const std::string key = kv.first.Scalar();
    const std::string at = path.empty() ? key : path + "." + key;
    const int line = kv.first.Mark().line + 1;
    const auto [it, fresh] = seen.emplace(key, line);
    if (!fresh)
      throw ConfigError(fmt::format("{}:{}", file, line), at,
                        fmt::format("'{}' is given twice (first at line {}); YAML would keep the "
                                    "first and ignore this one: remove one of them",
                                    key, it->second));
    refuse_repeated_keys(kv.second, file, at, depth + 1);
  }
}

// The line (1-based) where a second YAML document starts — a `---` line after content, or
// content after a `...` line — or 0. Scanned from the text: yaml-cpp's LoadAll can loop forever
// on some malformed input (fuzz/regressions/config/loadall_hung_on_a_directive.yaml).
int second_document_line(const std::string& text) {
  const auto marker = [](const std::string& s, const char* m) {
    return s.compare(0, 3, m) == 0 &&
           (s.size() == 3 || std::isspace(static_cast<unsigned char>(s[3])));
  };
  std::istringstream in(text);
  std::string s;
  bool content = false, ended = false;
  for (int line = 1; std::getline(in, s); ++line) {
    if (marker(s, "---")) {
      if (content) return line;
      content = s.find_first_not_of(" \t\r", 3) != std::string::npos;
      continue;
    }
    if (marker(s, "...")) {
      ended = content;
      continue;
    }
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos || s[first] == '#' || (!content && s[0] == '%')) continue;
    if (ended) return line;
    content = true;
  }
  return 0;
}

// A YAML alias (*x) is the anchored node itself, not a copy: a --set that reaches the node by
// one path would change it everywhere it is used. Returns n, or a copy of it where n was met
// before on another path (its second and later uses), with the same done below it; the parent
// then holds the copy (yaml-cpp assigns into the shared node, so entries are replaced, not
// assigned). The copies keep no line numbers: an error inside one names its key path alone.
YAML::Node unshared(YAML::Node n, std::vector<YAML::Node>& seen) {
  for (const YAML::Node& s : seen)
    if (s.is(n)) {
      YAML::Node copy = YAML::Clone(n);
      return unshared(copy, seen);
    }
  seen.push_back(n);
  if (n.IsMap()) {
    std::vector<YAML::Node> keys;
    for (auto it = n.begin(); it != n.end(); ++it) keys.push_back(it->first);
    for (const YAML::Node& k : keys) {
      YAML::Node child = n[k];
      YAML::Node r = unshared(child, seen);
      if (!r.is(child)) {
        n.remove(k);
        n[k] = r;
      }
    }
  } else if (n.IsSequence()) {
    std::vector<YAML::Node> items;
    bool changed = false;
    for (std::size_t i = 0; i < n.size(); ++i) {
      YAML::Node child = n[i];
      items.push_back(unshared(child, seen));
      changed = changed || !items.back().is(child);
    }
    if (changed) {
      YAML::Node seq(YAML::NodeType::Sequence);
      for (const YAML::Node& item : items) seq.push_back(item);
      return seq;
    }
  }
  return n;
}

}  // namespace

Config parse_config(const std::string& yaml_text, const std::string& file,
                    const std::vector<std::string>& overrides, bool start_replaced) {
  auto src = std::make_shared<ConfigSource>();
  src->file = file;
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}", file, e.mark.line + 1), "",
                      fmt::format("YAML syntax error: {}", e.msg));
  } catch (const YAML::Exception& e) {
    throw ConfigError(file, "", fmt::format("YAML error: {}", e.msg));
  }
  // One scenario per file: a second document after `---` would never be read.
  if (const int line = second_document_line(yaml_text))
    throw ConfigError(fmt::format("{}:{}", file, line), "",
                      "a second YAML document would not be read: one scenario per file");
  if (!root.IsMap()) throw ConfigError(file, "", "the file must be a YAML mapping of sections");
  refuse_repeated_keys(root, file, "");
  if (!overrides.empty()) {
    std::vector<YAML::Node> seen;
    root = unshared(root, seen);
  }
  for (const auto& o : overrides) apply_override(root, o, *src);

  const ConfigNode top(root, "", src);
  Config c;
  c.file = file;
  c.document = root;
  c.start_replaced = start_replaced;
  try {
    parse_top_level(top, c);
  } catch (const YAML::Exception& e) {  // a yaml-cpp surprise still names the file
    throw ConfigError(file, "", fmt::format("YAML error: {}", e.msg));
  }
  return c;
}

Config load_config(const std::string& path, const std::vector<std::string>& overrides,
                   bool start_replaced) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ConfigError(path, "", "is a directory: give the scenario's YAML file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "", "cannot open the config file (does it exist?)");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ConfigError(path, "", "cannot read the config file");
  return parse_config(ss.str(), path, overrides, start_replaced);
}

const char* to_string(Precision p) {
  return p == Precision::Double ? "double" : "float";
}
const char* to_string(BackendChoice b) {
  return b == BackendChoice::Cpu ? "cpu" : (b == BackendChoice::Cuda ? "cuda" : "auto");
}
const char* to_string(Scheme s) {
  switch (s) {
    case Scheme::Rkl2:
      return "rkl2";
    case Scheme::Implicit:
      return "implicit";
    default:
      return "explicit";
  }
}
const char* face_name(int f) {
  static const char* names[] = {"x_min", "x_max", "y_min", "y_max", "z_min", "z_max"};
  return names[f];
}

}  // namespace lobule

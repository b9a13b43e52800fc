// Reads a scenario YAML file into a validated Config; every error names file, line and key.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config.hpp"
#include "overrides.hpp"
#include "parse_sections.hpp"

namespace lobule {

Config parse_config(const std::string& yaml_text, const std::string& file,
                    const std::vector<std::string>& overrides) {
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
  if (!root.IsMap()) throw ConfigError(file, "", "the file must be a YAML mapping of sections");
  for (const auto& o : overrides) apply_override(root, o, *src);

  const ConfigNode top(root, "", src);
  Config c;
  c.file = file;
  c.document = root;
  try {
    parse_top_level(top, c);
  } catch (const YAML::Exception& e) {  // a yaml-cpp surprise still names the file
    throw ConfigError(file, "", fmt::format("YAML error: {}", e.msg));
  }
  return c;
}

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "", "cannot open the config file (does it exist?)");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ConfigError(path, "", "cannot read the config file");
  return parse_config(ss.str(), path, overrides);
}

const char* to_string(Precision p) {
  return p == Precision::Double ? "double" : "float";
}
const char* to_string(BackendChoice b) {
  return b == BackendChoice::Cpu ? "cpu" : (b == BackendChoice::Cuda ? "cuda" : "auto");
}
const char* to_string(Scheme s) {
  return s == Scheme::Rkl2 ? "rkl2" : "explicit";
}
const char* face_name(int f) {
  static const char* names[] = {"x_min", "x_max", "y_min", "y_max", "z_min", "z_max"};
  return names[f];
}

}  // namespace lobule

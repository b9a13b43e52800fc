/// Typed, located access to a YAML config tree: every error names file, line and key.
#pragma once
#include <yaml-cpp/yaml.h>

#include <array>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config_error.hpp"
#include "units.hpp"

namespace lobule {

/// Where the values of a document came from: the file, and the keys set on the command line.
struct ConfigSource {
  std::string file;                              ///< path of the YAML file
  std::map<std::string, std::string> overrides;  ///< key path -> "--set key=value" text
};

/// A YAML node with its dotted key path, for reading validated values.
class ConfigNode {
 public:
  ConfigNode(YAML::Node node, std::string path, std::shared_ptr<const ConfigSource> src);

  const YAML::Node& yaml() const { return node_; }
  const std::string& path() const { return path_; }
  bool defined() const { return node_.IsDefined() && !node_.IsNull(); }
  // A missing key is an invalid yaml-cpp node, which throws on anything but IsDefined().
  bool is_map() const { return node_.IsDefined() && node_.IsMap(); }
  bool is_sequence() const { return node_.IsDefined() && node_.IsSequence(); }
  bool is_scalar() const { return node_.IsDefined() && node_.IsScalar(); }
  bool has(const std::string& key) const;

  /// Child by key (may be undefined) and by list position.
  ConfigNode operator[](const std::string& key) const;
  ConfigNode at(std::size_t i) const;
  std::size_t size() const { return node_.IsDefined() ? node_.size() : 0; }

  /// Requires a map whose keys are all in `allowed`; names the first unknown key.
  void expect_keys(std::initializer_list<const char*> allowed) const;
  void expect_keys(const std::vector<std::string>& allowed) const;
  void expect_map() const;

  std::string str() const;                                               ///< a scalar string
  std::string choice(std::initializer_list<const char*> options) const;  ///< one of options
  std::string choice(const std::vector<std::string>& options) const;
  double number() const;      ///< a plain number
  long long integer() const;  ///< an integer
  bool boolean() const;
  double quantity(Dim want) const;             ///< number or "value unit"
  std::array<double, 3> vec3(Dim want) const;  ///< [a, b, c] quantities

  /// "FILE:LINE" of this node, or the --set text that produced it.
  std::string where() const;
  [[noreturn]] void fail(const std::string& message) const;

 private:
  YAML::Node node_;
  std::string path_;
  std::shared_ptr<const ConfigSource> src_;
  int line_ = -1;  // 1-based line of the nearest defined node
};

}  // namespace lobule

#include "config_node.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace lobule {

namespace {

// A message fit for a terminal: control characters shown as \xNN (a NUL cut the message short,
// an escape sequence could rewrite the screen), and a run of more than 240 characters without a
// space (a 100 kB value echoed from the input) shortened to its ends.
std::string printable(const std::string& text) {
  std::string out;
  std::size_t run = 0;  // start of the current run of non-space characters in out
  const auto shorten_run = [&] {
    constexpr std::size_t kLongest = 240, kHead = 160, kTail = 40;
    const std::size_t n = out.size() - run;
    if (n > kLongest)
      out = out.substr(0, run + kHead) + fmt::format("...({} characters)...", n - kHead - kTail) +
            out.substr(out.size() - kTail);
  };
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || c == '\n') {
      shorten_run();
      out += ch;
      run = out.size();
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
  shorten_run();
  return out;
}

}  // namespace

ConfigError::ConfigError(std::string where, std::string key, std::string message)
    : std::runtime_error(printable(where + ": " + (key.empty() ? "" : key + ": ") + message)),
      where_(std::move(where)),
      key_(std::move(key)),
      message_(std::move(message)) {}

ConfigNode::ConfigNode(YAML::Node node, std::string path, std::shared_ptr<const ConfigSource> src)
    : node_(std::move(node)), path_(std::move(path)), src_(std::move(src)) {
  if (node_.IsDefined() && node_.Mark().line >= 0) line_ = node_.Mark().line + 1;
}

bool ConfigNode::has(const std::string& key) const {
  return is_map() && node_[key].IsDefined() && !node_[key].IsNull();
}

ConfigNode ConfigNode::operator[](const std::string& key) const {
  YAML::Node child = is_map() ? node_[key] : YAML::Node(YAML::NodeType::Undefined);
  ConfigNode c(child, path_.empty() ? key : path_ + "." + key, src_);
  if (c.line_ < 0) c.line_ = line_;  // a missing key is reported at its parent
  return c;
}

ConfigNode ConfigNode::at(std::size_t i) const {
  ConfigNode c(node_[i], fmt::format("{}[{}]", path_, i), src_);
  if (c.line_ < 0) c.line_ = line_;
  return c;
}

std::string ConfigNode::where() const {
  // Values set on the command line are reported as such, also for keys below them.
  for (const auto& [key, text] : src_->overrides)
    if (path_ == key || path_.rfind(key + ".", 0) == 0 || path_.rfind(key + "[", 0) == 0)
      return text.size() > 80 ? text.substr(0, 77) + "..." : text;  // a huge value, once
  return line_ > 0 ? fmt::format("{}:{}", src_->file, line_) : src_->file;
}

void ConfigNode::fail(const std::string& message) const {
  throw ConfigError(where(), path_, message);
}

void ConfigNode::expect_map() const {
  if (!defined()) fail("missing section or value");
  if (!is_map()) fail("expected a mapping of keys to values");
}

void ConfigNode::expect_keys(std::initializer_list<const char*> allowed) const {
  expect_keys(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void ConfigNode::expect_keys(const std::vector<std::string>& allowed) const {
  expect_map();
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar()) fail("a key must be a plain name, not a list or mapping");
    const std::string key = kv.first.Scalar();
    bool ok = false;
    for (const auto& a : allowed) ok = ok || key == a;
    if (!ok) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      (*this)[key].fail(fmt::format("unknown key (allowed here: {})", list));
    }
  }
}

std::string ConfigNode::str() const {
  if (!defined()) fail("missing value");
  if (!node_.IsScalar()) fail("expected a single value, not a list or mapping");
  return node_.Scalar();
}

std::string ConfigNode::choice(std::initializer_list<const char*> options) const {
  return choice(std::vector<std::string>(options.begin(), options.end()));
}

std::string ConfigNode::choice(const std::vector<std::string>& options) const {
  const std::string v = str();
  std::string list;
  for (const auto& o : options) {
    if (v == o) return v;
    list += (list.empty() ? "" : ", ") + o;
  }
  fail(fmt::format("'{}' is not one of: {}", v, list));
}

double ConfigNode::number() const {
  const std::string s = str();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || !std::isfinite(v))
    fail(fmt::format("'{}' is not a number", s));
  return v;
}

long long ConfigNode::integer() const {
  const std::string s = str();
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (end == s.c_str() || *end != '\0') fail(fmt::format("'{}' is not an integer", s));
  if (errno == ERANGE)
    fail(fmt::format("'{}' is beyond the 64-bit integer range (at most {})", s,
                     std::numeric_limits<long long>::max()));
  return v;
}

bool ConfigNode::boolean() const {
  const std::string s = str();
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  fail(fmt::format("'{}' is not true or false", s));
}

double ConfigNode::quantity(Dim want) const {
  try {
    return parse_in_base_units(str(), want);
  } catch (const UnitError& e) {
    fail(e.what());
  }
}

std::array<double, 3> ConfigNode::vec3(Dim want) const {
  if (!defined()) fail("missing value: expected a list of three values [x, y, z]");
  if (!is_sequence() || node_.size() != 3) fail("expected a list of three values [x, y, z]");
  return {at(0).quantity(want), at(1).quantity(want), at(2).quantity(want)};
}

}  // namespace lobule

/// Errors in a scenario file or a --set override, located by file, line and key.
#pragma once
#include <stdexcept>
#include <string>

namespace lobule {

/// A bad config: what() reads "FILE:LINE: KEY: message" (exit code 2).
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string where, std::string key, std::string message);
  const std::string& where() const { return where_; }  ///< "file.yaml:12" or "--set a.b=c"
  const std::string& key() const { return key_; }      ///< dotted key path, e.g. "time.dt"
  const std::string& message() const { return message_; }

 private:
  std::string where_, key_, message_;
};

}  // namespace lobule

/// The physics-relevant part of a config: what a checkpoint must match to be continued.
#pragma once
#include <string>
#include <vector>

#include "config.hpp"

namespace lobule {

/// The resolved config (resolved_yaml) as YAML text without the keys that do not change the
/// solution: name, output, checkpoint, backend and time.end (so that a finished run can be
/// continued to a later end time).
std::string physics_text(const Config& c);

/// The keys whose values differ between two physics texts, as "key: A in the checkpoint,
/// B in the config" lines (at most `limit`; `source` names the first document). Empty when the
/// documents are equal.
std::vector<std::string> physics_differences(const std::string& checkpoint,
                                             const std::string& config, std::size_t limit = 8,
                                             const std::string& source = "the checkpoint");

}  // namespace lobule

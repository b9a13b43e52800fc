/// Command-line overrides of config keys: --set key.path=value.
#pragma once
#include <yaml-cpp/yaml.h>

#include <string>

#include "config_node.hpp"

namespace lobule {

/// Applies one "key.path=value" override to the document and records it in src.
/// Path segments are map keys, list positions (species.0 or species[0]) or the name of a
/// list entry (species.u.decay). The value is read as YAML ("0.5 s", "[1, 2, 3]").
void apply_override(YAML::Node& root, const std::string& assignment, ConfigSource& src);

}  // namespace lobule

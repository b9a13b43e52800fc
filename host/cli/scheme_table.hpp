/// The time-integration facts `lobule check` prints: per species the explicit limit, the RKL2
/// stage count and the cost of one step of each scheme.
#pragma once
#include <string>

#include "host/config/config.hpp"

namespace lobule {

/// The table as text (several lines, each ending in a newline).
std::string scheme_table(const Config& c);

}  // namespace lobule

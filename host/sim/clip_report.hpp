/// Tells the user when rkl2 had to set negative undershoots to zero (see Backend::clipped_mass).
#pragma once
#include <string>
#include <vector>

#include "fields.hpp"

namespace lobule {

/// Warning lines for the species whose clipped amount grew since the last report by more than
/// 1e-6 of their current total; `reported` holds the amounts already reported and is updated.
template <class T>
std::vector<std::string> clip_warnings(const HostFields<T>& f, const std::vector<double>& clipped,
                                       std::vector<double>& reported);

}  // namespace lobule

/// YAML names of the voxel labels (geometry/labels.hpp), as vessel entries use them.
#pragma once
#include <string>

namespace lobule {

/// Name of a tissue label ("central_vein"), or "" for a value without one.
const char* label_name(int label);
/// Label value of a name, or -1 when no tissue label has that name ("outside" has none).
int label_by_name(const std::string& name);
/// All tissue label names, comma separated, for error messages.
std::string label_names_list();

}  // namespace lobule

/// Voxel labels of the tissue geometry (the uint8 `label` array of every output): the Label
/// enum lives with the kernels (kernels/voxel_class.hpp), which compare labels too.
#pragma once
#include <cstdint>

#include "kernels/voxel_class.hpp"

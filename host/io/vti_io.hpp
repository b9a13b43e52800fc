/// VTK ImageData (.vti) writing and reading of cell arrays through VTK's XML classes.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "geometry/geometry.hpp"

namespace lobule {

/// One cell array over the interior voxels, x fastest.
struct CellArray {
  enum class Type { U8, F32, F64 };
  std::string name;
  Type type = Type::F32;
  const void* data = nullptr;
};

/// Writes a .vti file (appended raw binary, cell data, time in the field data as
/// TimeValue) atomically. compression: none | zlib | lz4 | lzma. Throws IoError.
void write_vti(const std::string& path, const Geometry& g, double time,
               const std::vector<CellArray>& arrays, const std::string& compression);

/// Cell array `array` of a .vti file as doubles, interior voxels x fastest; checks that the
/// file is readable, has `expect` cells per axis and one value per cell. Throws InputError
/// naming what is wrong.
std::vector<double> read_vti_cell_array(const std::string& path, const std::string& array,
                                        const std::array<int, 3>& expect);

/// The time [s] a .vti file was written for (its TimeValue field data, as write_vti stores it).
/// Throws InputError when the file cannot be read or carries no time.
double read_vti_time(const std::string& path);

/// The same, and the file's grid must lie on `grid`: the same cells, spacing and origin (to
/// 10⁻⁶ of a voxel).
std::vector<double> read_vti_on_grid(const std::string& path, const std::string& array,
                                     const Geometry& grid);

/// Everything of a .vti file: its time (NaN when it carries none), grid and cell arrays (as
/// doubles, interior voxels x fastest). `names` empty: every cell array. Throws InputError.
struct VtiContents {
  double time = 0;
  std::array<int, 3> cells{};
  std::array<double, 3> spacing{}, origin{};  ///< origin: the corner of voxel (0, 0, 0) [um]
  std::vector<std::pair<std::string, std::vector<double>>> arrays;
};
VtiContents read_vti_contents(const std::string& path, const std::vector<std::string>& names = {});

}  // namespace lobule

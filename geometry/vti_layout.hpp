/// Checks of an input .vti file before VTK's reader reads it: that reader trusts the file (it
/// dereferences arrays it failed to create, allocates what a damaged header says, and fills a
/// truncated data block with whatever it finds, reporting no error).
#pragma once
#include <functional>
#include <string>

namespace lobule {

/// Reads the structure of the .vti file `path` with VTK's own XML parser and throws
/// InputError, naming the array and what is wrong, where VTK's reader would crash, allocate
/// without bound or read garbage: an element other than DataArray in FieldData, PointData or
/// CellData; an array without a name or with a name used twice in its section, of a type or
/// format VTK does not know, or appended without an offset; binary data (raw or base64,
/// compressed or not, appended or inline) that runs past the end of the file, has a damaged
/// block table or block size, or holds fewer bytes than the extent needs. Files VTK's writers
/// produce pass. `whole_extent`, when given, sees the cells of the image's WholeExtent first
/// (a caller that expects a grid refuses another before any array is looked at).
void check_vti_file(const std::string& path,
                    const std::function<void(const int* cells)>& whole_extent = {});

/// Why `path` cannot be read as an input file ("no such file: P", "P is a directory, not a
/// file", "P is not a regular file"), or "" when it is a regular file.
std::string input_file_problem(const std::string& path);

}  // namespace lobule

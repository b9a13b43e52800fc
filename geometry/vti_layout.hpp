/// A check of a .vti file's appended binary data against its own header, before VTK reads it:
/// VTK's reader fills a truncated data block with whatever it finds (or nothing) and reports
/// no error.
#pragma once
#include <string>

namespace lobule {

/// Throws InputError when a DataArray has a type VTK does not know (its reader crashes on
/// one), or when an array stored as appended raw data (compressed or not) would extend past
/// the end of the file, naming the array and both sizes. Files without appended data, or in
/// base64, are left to VTK's parser for the sizes.
void check_vti_appended_data(const std::string& path);

/// Why `path` cannot be read as an input file ("no such file: P", "P is a directory, not a
/// file", "P is not a regular file"), or "" when it is a regular file.
std::string input_file_problem(const std::string& path);

}  // namespace lobule

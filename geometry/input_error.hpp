/// The error a bad input file raises (missing, unreadable, damaged, on the wrong grid): the
/// geometry's image readers throw it, and so does the host above them (host/errors.hpp maps it
/// to exit code 2). It lives here, the lowest layer that throws it, so that geometry/ needs
/// nothing from host/.
#pragma once
#include <stdexcept>

namespace lobule {

/// A bad input file named by the config (missing, unreadable, wrong grid): exit code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lobule

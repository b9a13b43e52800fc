/// Error classes that map to lobule's documented exit codes.
#pragma once
#include <stdexcept>

#include "geometry/input_error.hpp"  // InputError: exit code 2 (the geometry readers throw it)

namespace lobule {

/// Exit codes of the lobule executable (see README "Exit codes").
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 2,         ///< bad command line, config or input file
  kExitIo = 3,            ///< writing results failed (permissions, full disk)
  kExitNumerical = 4,     ///< NaN/Inf or negative concentration beyond tolerance
  kExitInterrupted = 130  ///< SIGINT/SIGTERM/SIGHUP/SIGPIPE (a checkpoint was written first)
};

/// Results could not be written: exit code 3.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The solution became NaN/Inf or negative: exit code 4.
class NumericalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The run stopped on SIGINT/SIGTERM after writing a checkpoint: exit code 130.
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lobule

/// What the executable reports for an exception that ends a run: its documented exit code
/// (README, "Exit codes"), a kind ("config error", "I/O error", ...) and the message. One table
/// for `lobule` (host/cli/main.cpp) and the Python binding (python/binding/core.cpp).
#pragma once
#include <exception>
#include <string>

namespace lobule {

struct ExitReport {
  int code = 1;
  std::string kind;  ///< "config error", "input error", ..., "error" for anything unexpected
  std::string what;
};

/// Classifies the exception p (rethrown inside).
ExitReport exit_report(std::exception_ptr p);

}  // namespace lobule

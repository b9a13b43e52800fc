/// What the process needs before a command runs, whatever the shell handed it.
#pragma once
#include <string>

namespace lobule {

/// Opens each of the standard streams (fds 0, 1, 2) that the caller closed (`2>&-`) on
/// /dev/null. Otherwise the next file opened takes that number, and what is written to the
/// stream goes into it: the log into the run folder's lock file, or twice into log.txt.
void open_closed_standard_streams();

/// Caps the OpenMP threads at the processors this process may use (OMP_NUM_THREADS=100000
/// crashes the OpenMP runtime; more threads than processors only slow a run down). Returns the
/// warning to print when it capped, else "".
std::string cap_openmp_threads();

}  // namespace lobule

/// What a run's config.yaml records about how it was made (the `build` section): the command
/// line, the lobule build, the machine and device, when it ran and how long it took.
#pragma once
#include <string>

#include "host/config/config.hpp"

namespace lobule {

struct Provenance {
  std::string command;        ///< the command line (shell-quoted) or the Python call
  std::string started;        ///< UTC, ISO 8601
  std::string host;           ///< the machine's name
  std::string device;         ///< "cpu: MODEL, N OpenMP threads, ISA loops" or "cuda: GPU ..."
  std::string branched_from;  ///< a branch's source state, or empty
  double wall_seconds = -1;   ///< at the end of the run; < 0 while it runs
  std::string finished;       ///< UTC, ISO 8601, at the end
};

/// The current time in UTC as "2026-12-07T14:40:00Z".
std::string utc_now();
/// The machine's host name ("unknown" when it cannot be read).
std::string host_name();
/// The device a run on `backend` (cpu or cuda, resolved) computes on.
std::string device_description(BackendChoice backend);

}  // namespace lobule

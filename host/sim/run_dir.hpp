/// A run owns its output directory: one run at a time (a lock), and a fresh run starts from a
/// clean folder without touching files lobule did not write.
#pragma once
#include <string>
#include <vector>

namespace lobule {

/// The first line of every DIR/config.yaml lobule writes: how a run's folder is recognized.
inline constexpr const char* kConfigMarker = "# Resolved configuration written by lobule";

/// An exclusive lock on DIR/.lobule.lock for the lifetime of the object (flock; released when
/// the process ends, however it ends). Throws InputError naming the other run's process when
/// the folder is in use.
class RunDirLock {
 public:
  explicit RunDirLock(const std::string& dir);
  ~RunDirLock();
  RunDirLock(const RunDirLock&) = delete;
  RunDirLock& operator=(const RunDirLock&) = delete;

 private:
  int fd_ = -1;
};

/// Prepares `dir` for a fresh run (not a restart): the outputs of an earlier lobule run there
/// (config.yaml with kConfigMarker, fields.pvd, fields/NNNNNN.vti, timeseries.csv, log.txt,
/// checkpoints/) are removed, and their names returned for the log. Throws InputError, before
/// removing anything, when one of those names is held by a file lobule did not write (a
/// config.yaml without the marker, or outputs beside none).
std::vector<std::string> clear_earlier_run(const std::string& dir);

/// Before a fresh run touches `dir`: throws InputError when one of the run's input files (a
/// geometry or initial .vti, a model's start file) is among what clear_earlier_run would
/// remove — a scenario that starts from an earlier run's output, run into that same folder.
void refuse_inputs_in_earlier_run(const std::vector<std::string>& inputs, const std::string& dir);

}  // namespace lobule

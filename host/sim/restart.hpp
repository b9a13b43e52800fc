/// Restarting a run from a checkpoint: finding it, checking it against the config, loading it.
#pragma once
#include <string>
#include <vector>

#include "host/config/config.hpp"
#include "host/io/checkpoint_format.hpp"
#include "stepper.hpp"

namespace lobule {

/// The checkpoint a restarted run continues from.
struct RestartPoint {
  std::string file;                   ///< the checkpoint used
  CheckpointHeader header;            ///< its header, data verified
  std::vector<std::string> warnings;  ///< newer checkpoints skipped because they are damaged
};

/// Finds and verifies the checkpoint `spec` names: "latest" is the file out_dir/checkpoints/
/// latest names, or, when that one is damaged, the newest older one that is intact; anything
/// else is a checkpoint file. Then checks it against c (check_matches_config).
/// Throws CheckpointError (exit code 2) saying what is missing, damaged or different.
RestartPoint find_restart_point(const std::string& spec, const std::string& out_dir,
                                const Config& c);

/// The differences between the checkpoint's grid, fields and precision and those of c, one
/// line each ("grid: 10x9x1 voxels in the checkpoint, 20x18x1 in the config"); empty when its
/// state fits c's arrays. What a restart and a branch (branch.hpp) both need.
std::vector<std::string> layout_differences(const CheckpointHeader& h, const Config& c);

/// Throws CheckpointError listing every difference between the checkpoint's grid, fields,
/// precision and physics and those of c, or when the checkpoint lies after time.end.
void check_matches_config(const CheckpointHeader& h, const std::string& file, const Config& c);

/// Loads the checkpoint's fields, time and step count into run (CRCs checked again).
template <class T>
void restore_from(Stepper<T>& run, const RestartPoint& p);

}  // namespace lobule

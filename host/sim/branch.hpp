/// Branching a run from another run's state: `lobule run ARM.yaml --from RUN:84d`. The arm
/// starts from the saved state of RUN at that tissue time (its checkpoint there, else its
/// output there) and continues the tissue time: day 84 stays day 84 in its outputs and CSV.
#pragma once
#include <string>
#include <vector>

#include "host/config/config.hpp"
#include "host/io/checkpoint_format.hpp"
#include "stepper.hpp"

namespace lobule {

/// The saved state an arm starts from.
struct BranchPoint {
  std::string file;         ///< the checkpoint (.ckpt) or output (.vti) read
  bool checkpoint = false;  ///< true: a checkpoint (exact state, steps, doses applied)
  double time = 0;          ///< tissue time of the state [s]
  long long steps = 0;      ///< steps taken to it (0 for an output: not recorded there)
  std::size_t events = 0;   ///< therapy doses applied before it
  CheckpointHeader header;  ///< the checkpoint's header (checkpoint only)
  std::vector<std::string> differences;  ///< physics of the arm that differs from the source
  /// An output's fields, one per species of the config (interior voxels, x fastest), read and
  /// checked before the run touches its output folder.
  std::vector<std::vector<double>> values;
};

/// Resolves `spec`: RUN:TIME (TIME with a unit, e.g. 84d or "2016 h"): RUN's checkpoint at
/// that tissue time when one is kept, else RUN's output at that time (fields.pvd); or a .ckpt
/// or .vti file. The state must lie on c's grid and hold every species of c; the arm's doses
/// before the branch time must be those the source applied. Physics that differs (the arms'
/// point) is listed in `differences`. Throws InputError/CheckpointError (exit code 2) naming
/// what is missing, with the times that are there.
BranchPoint find_branch_point(const std::string& spec, const Config& c);

/// Loads the state into run (time, steps and doses applied with it).
template <class T>
void restore_branch(Stepper<T>& run, const BranchPoint& p);

}  // namespace lobule

/// DIR/checkpoints: a run's checkpoint files, the `latest` pointer, and pruning.
#pragma once
#include <string>
#include <vector>

#include "checkpoint_format.hpp"

namespace lobule {

/// The checkpoint directory of one run.
///
/// Files are named step_NNNNNNNNNNNN.ckpt after the number of completed steps. `latest` is a
/// one-line text file naming the newest checkpoint; it is replaced atomically, and only
/// after the checkpoint it names has been written, fsynced, renamed and read back.
class CheckpointStore {
 public:
  /// dir: the checkpoint directory (DIR/checkpoints); nothing is created until save(), which
  /// creates it inside an existing DIR.
  explicit CheckpointStore(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }
  /// The file a checkpoint after `steps` steps goes to.
  std::string file_for(long long steps) const;

  /// Writes a checkpoint of the arrays on box b with the metadata of h, reads it back (header and
  /// CRCs), points `latest` at it, and deletes all but the newest `keep` checkpoints at or before
  /// this step (later ones, left by a run that was restarted from an earlier checkpoint,
  /// stay until the run passes them). Returns the file. Throws IoError; the previous
  /// checkpoints and `latest` are untouched when writing fails.
  template <class T>
  std::string save(const CheckpointHeader& h, const Box& b,
                   const std::vector<NamedArray<const T>>& fields, int keep) const;

  /// The path `latest` names, or "" when there is no `latest`.
  std::string latest() const;
  /// Points `latest` at checkpoint `file` (a run restarted from it: what `latest` named after it
  /// is a future that run rewrites), atomically; its name when it is in this directory, else
  /// its absolute path. Creates the directory. Throws IoError.
  void point_latest_at(const std::string& file) const;
  /// Checkpoint files in the directory, most steps first.
  std::vector<std::string> list() const;
  /// Deletes temporary files a killed writer left behind.
  void remove_temporaries() const;

 private:
  void prune(long long steps, int keep) const;
  std::string dir_;
};

/// Step count encoded in a checkpoint file name, or −1 when the name is not one.
long long checkpoint_step_of(const std::string& file_name);

}  // namespace lobule

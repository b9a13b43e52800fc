/// Solved steady starts kept between runs: the healthy liver takes seconds on the shipped
/// lobules but minutes on fine grids, and every scenario, sweep arm and convergence run of one
/// lobule and parameter set starts from the same state. One checkpoint-format file per key
/// (CRC-checked), in $LOBULE_CACHE, else $XDG_CACHE_HOME/lobule/steady, else
/// $HOME/.cache/lobule/steady; LOBULE_CACHE=off turns it off.
#pragma once
#include <string>

#include "fields.hpp"
#include "host/config/config.hpp"

namespace lobule {

class SteadyCache {
 public:
  /// The cache folder the environment names ("" when off or when no folder can be named).
  static SteadyCache from_environment();
  explicit SteadyCache(std::string folder) : folder_(std::move(folder)) {}

  bool enabled() const { return !folder_.empty(); }
  const std::string& folder() const { return folder_; }

  /// What the steady start of c depends on, as text: the physics of the run (physics_text)
  /// without what the start does not see (the initial state's name, injury, therapy, the time
  /// step and end, the run's precision), the backend that solves it (cpu or cuda, resolved), and
  /// the lobule build that solves it (its version and the size and time of the binary holding
  /// the solver, so that a rebuilt lobule never reads a state an older one solved).
  static std::string key(const Config& c, BackendChoice resolved);

  /// The file of a key.
  std::string file_for(const std::string& key) const;

  /// Fills the species of f from the entry of `key` when there is an intact one for f's grid and
  /// species (its key text compared in full, every field's CRC checked). Returns its path, or
  /// "" (no entry; a damaged or mismatched one is removed). Never throws.
  std::string load(const std::string& key, HostFields<double>& f) const;

  /// Whether an entry of `key` is there (its header read and its key compared; the fields are
  /// checked only by load).
  bool has(const std::string& key) const;

  /// Stores f's species under `key` (atomically: a file of this process's own, renamed into
  /// place), then keeps the newest kKeep entries and removes parts a killed run left over an
  /// hour ago. Returns "" or what went wrong (the run goes on without it).
  std::string store(const std::string& key, const HostFields<double>& f) const;

  static constexpr int kKeep = 32;

 private:
  std::string folder_;
};

}  // namespace lobule

/// Checkpoints of a run's fields: the species of HostFields as the named arrays host/io writes.
#pragma once
#include <string>
#include <vector>

#include "fields.hpp"
#include "host/io/checkpoint_format.hpp"
#include "host/io/checkpoint_store.hpp"

namespace lobule {

/// The species of f as named padded arrays.
template <class T>
std::vector<NamedArray<const T>> named_arrays(const HostFields<T>& f) {
  std::vector<NamedArray<const T>> out;
  for (const auto& sp : f.species) out.push_back({sp.name, sp.u.data()});
  return out;
}
template <class T>
std::vector<NamedArray<T>> named_arrays(HostFields<T>& f) {
  std::vector<NamedArray<T>> out;
  for (auto& sp : f.species) out.push_back({sp.name, sp.u.data()});
  return out;
}

/// Writes every species of f (see write_checkpoint in host/io/checkpoint_format.hpp).
template <class T>
void write_checkpoint(const std::string& path, const CheckpointHeader& h, const HostFields<T>& f) {
  write_checkpoint<T>(path, h, f.box, named_arrays(f));
}

/// Reads every species of f from its field of the same name.
template <class T>
void read_checkpoint_fields(const ByteSource& src, const CheckpointHeader& h, HostFields<T>& f) {
  read_checkpoint_fields<T>(src, h, f.box, named_arrays(f));
}

/// Saves every species of f in the store (see CheckpointStore::save).
template <class T>
std::string save_checkpoint(const CheckpointStore& store, const CheckpointHeader& h,
                            const HostFields<T>& f, int keep) {
  return store.save<T>(h, f.box, named_arrays(f), keep);
}

}  // namespace lobule

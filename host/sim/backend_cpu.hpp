/// The CPU backend (OpenMP loops over the shared per-voxel formulas).
#pragma once
#include <vector>

#include "backend.hpp"

namespace lobule {

template <class T>
class CpuBackend final : public Backend<T> {
 public:
  const char* name() const override { return "cpu"; }
  void upload(const HostFields<T>& f) override;
  void download(HostFields<T>& f) override;
  void step(T dt) override;

 private:
  HostFields<T> f_;
  std::vector<std::vector<T>> scratch_;  // the next time level, swapped in after each step
};

}  // namespace lobule

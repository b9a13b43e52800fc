/// The CUDA backend: device arrays per species and the thin kernels of kernels/cuda.
#pragma once
#include <vector>

#include "backend.hpp"
#include "kernels/cuda/device.hpp"

namespace lobule {

template <class T>
class CudaBackend final : public Backend<T> {
 public:
  const char* name() const override { return "cuda"; }
  void upload(const HostFields<T>& f) override;
  void download(HostFields<T>& f) override;
  void step(T dt) override;

 private:
  struct DeviceSpecies {
    cuda::DeviceArray<T> u, next, D;
    T decay, source;
    BoundarySet<T> bc;
  };
  Box box_{};
  InvH2<T> ih2_{};
  std::vector<DeviceSpecies> species_;
};

}  // namespace lobule

/// The CUDA backend: device arrays per species and the thin kernels of kernels/cuda.
#pragma once
#include <cstdint>
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
  void react(double t, double dt) override;
  void diffuse(double t, double dt) override;
  std::vector<double> clipped_mass() override;

 protected:
  Scheme scheme() const override { return meta_.scheme; }
  void explicit_step(double t, double dt) override;

 private:
  struct DeviceSpecies {
    cuda::DeviceArray<T> u, D;
    T d_max;  // the largest D the species can take [µm²/s]
  };
  void update_diffusivities();
  /// Allocates the first n scratch arrays (and the transposed labels for LOD) when missing.
  void ensure_scratch(int n);
  void rkl2(std::size_t s, double t, double dt, int halvings);
  cuda::DeviceArray<T>* rkl2_attempt(std::size_t s, double t, double dt, double* clipped);
  void lod(std::size_t s, double t, double dt);

  HostFields<T> meta_;  // coefficients, settings and vessel values; no field arrays
  std::vector<std::uint8_t> host_label_;
  std::vector<DeviceSpecies> species_;
  cuda::DeviceArray<std::uint8_t> label_, label_t_;  // labels, and x↔y transposed for LOD
  cuda::DeviceArray<T> scratch_[5];                  // next level, RKL2 stages, LOD work
  cuda::DeviceArray<double> probe_;                  // an attempt's clipped amount and mass
  std::vector<double> clipped_;                      // per species [conc·voxel]
};

}  // namespace lobule

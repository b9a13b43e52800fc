/// The compute backend interface: the same stepping on the CPU (OpenMP) or a GPU (CUDA).
#pragma once
#include <memory>
#include <string>

#include "fields.hpp"
#include "host/config/config.hpp"

namespace lobule {

/// Owns the solver state on its device and advances it.
template <class T>
class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;
  /// Copies concentrations, diffusivities and coefficients from the host.
  virtual void upload(const HostFields<T>& f) = 0;
  /// Copies the concentrations back into f (interior and halo).
  virtual void download(HostFields<T>& f) = 0;
  /// Advances every species by dt with forward Euler: u += dt·(∇·(D∇u) − λu + s).
  virtual void step(T dt) = 0;
};

/// True when this build has the CUDA backend compiled in.
bool cuda_compiled();
/// True when the CUDA backend is compiled and a GPU is visible.
bool cuda_available();

/// Resolves auto to cuda when a GPU is usable, else cpu. Throws InputError for cuda
/// on a build or machine without it.
BackendChoice resolve_backend(BackendChoice want);

template <class T>
std::unique_ptr<Backend<T>> make_backend(BackendChoice resolved);

}  // namespace lobule

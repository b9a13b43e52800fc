/// Device discovery and device memory for the CUDA backend, callable from plain C++.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace lobule::cuda {

/// A CUDA runtime failure (out of memory, launch error, no device), with the call site.
class CudaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One visible GPU.
struct GpuInfo {
  int index = 0;
  std::string name;
  int cc_major = 0, cc_minor = 0;
  std::size_t total_bytes = 0, free_bytes = 0;
};

/// The GPUs the CUDA runtime sees; empty when there is no driver or no device.
std::vector<GpuInfo> list_gpus();

void* device_alloc(std::size_t bytes);
void device_free(void* p) noexcept;
void copy_to_device(void* dst, const void* src, std::size_t bytes);
void copy_to_host(void* dst, const void* src, std::size_t bytes);
void copy_on_device(void* dst, const void* src, std::size_t bytes);
/// Waits for all queued work and reports any asynchronous kernel failure.
void synchronize();

/// Owning device array of n elements of T.
template <class T>
class DeviceArray {
 public:
  DeviceArray() = default;
  explicit DeviceArray(std::size_t n) : n_(n), p_(static_cast<T*>(device_alloc(n * sizeof(T)))) {}
  ~DeviceArray() { device_free(p_); }
  DeviceArray(DeviceArray&& o) noexcept : n_(o.n_), p_(o.p_) { o.n_ = 0, o.p_ = nullptr; }
  DeviceArray& operator=(DeviceArray&& o) noexcept {
    std::swap(n_, o.n_);
    std::swap(p_, o.p_);
    return *this;
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;

  T* data() { return p_; }
  const T* data() const { return p_; }
  std::size_t size() const { return n_; }
  void upload(const T* host) { copy_to_device(p_, host, n_ * sizeof(T)); }
  void download(T* host) const { copy_to_host(host, p_, n_ * sizeof(T)); }

 private:
  std::size_t n_ = 0;
  T* p_ = nullptr;
};

}  // namespace lobule::cuda

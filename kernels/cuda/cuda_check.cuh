/// Turns CUDA runtime errors into lobule::cuda::CudaError exceptions.
#pragma once
#include <cuda_runtime.h>

#include <string>

#include "device.hpp"

#define LOBULE_CUDA_CHECK(call)                                                          \
  do {                                                                                   \
    const cudaError_t lobule_err_ = (call);                                              \
    if (lobule_err_ != cudaSuccess)                                                      \
      throw ::lobule::cuda::CudaError(std::string("CUDA error at ") + __FILE__ + ":" +   \
                                      std::to_string(__LINE__) + ": " +                  \
                                      cudaGetErrorString(lobule_err_) + " (" #call ")"); \
  } while (0)

/// Portability macros shared by the CPU and CUDA backends.
#pragma once

// RD_HOST_DEVICE marks per-voxel functions that both g++ and nvcc compile.
#if defined(__CUDACC__)
#define RD_HOST_DEVICE __host__ __device__
#define RD_FORCEINLINE __forceinline__
#else
#define RD_HOST_DEVICE
#define RD_FORCEINLINE inline
#endif

/// Portability macros shared by the CPU and CUDA backends.
#pragma once

// RD_HOST_DEVICE marks per-voxel functions that both g++ and nvcc compile.
// RD_ALWAYS_INLINE also makes the host compiler inline it: for a function that must be inlined
// into a loop for that loop to vectorize. (GCC once kept face_divergence out of line in the RKL2
// stage loop: a call per voxel, no vectors, the liver model's day 3× slower.)
#if defined(__CUDACC__)
#define RD_HOST_DEVICE __host__ __device__
#define RD_FORCEINLINE __forceinline__
#define RD_ALWAYS_INLINE __forceinline__
#else
#define RD_HOST_DEVICE
#define RD_FORCEINLINE inline
#define RD_ALWAYS_INLINE inline __attribute__((always_inline))
#endif

/// Code after this header, up to avx2_end.hpp, is compiled for AVX2 (no FMA): include the loops of
/// internal linkage between the two, after every shared header (see diffusion_cpu_avx2.cpp).
/// No include guard: it is meant to be included once per such file.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif

/// Ends what avx2_begin.hpp started: code after it is built for the baseline again.
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

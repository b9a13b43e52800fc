// The liver model's fused explicit step on the CPU for the portable baseline (SSE2: 16 bytes of
// voxels at a time), and the choice of the AVX2 build where the CPU loops use it.
#include "liver_fibrosis_cpu.hpp"

#include "kernels/cpu/diffusion_cpu_isa.hpp"
#include "kernels/cpu/fused_explicit_cpu.hpp"

namespace lobule {
namespace cpu {

// liver_fibrosis_cpu_avx2.cpp
bool liver_fused_step_avx2(const FusedExplicit<float>& x, const LiverRates<float>& r);
bool liver_fused_step_avx2(const FusedExplicit<double>& x, const LiverRates<double>& r);

namespace {

template <class T>
bool liver_fused_step(const FusedExplicit<T>& x, const LiverRates<T>& r) {
#ifdef LOBULE_CPU_AVX2
  if (cpu_isa() == CpuIsa::Avx2) return liver_fused_step_avx2(x, r);
#endif
  return fused_explicit_step<T, LiverRates<T>, 16>(x, r);
}

}  // namespace
}  // namespace cpu

bool fused_explicit_row_rates(const FusedExplicit<float>& x, const LiverRates<float>& r) {
  return cpu::liver_fused_step(x, r);
}

bool fused_explicit_row_rates(const FusedExplicit<double>& x, const LiverRates<double>& r) {
  return cpu::liver_fused_step(x, r);
}

}  // namespace lobule

// The liver model's fused explicit step built for AVX2 (32 bytes of voxels at a time), called
// only where the CPU loops use AVX2 (liver_fibrosis_cpu.cpp). As in diffusion_cpu_avx2.cpp, the
// shared headers come before the target pragma and only code of internal linkage after it
// (tests/tools/check_isa_object.sh checks this object too); no fused multiply-adds.
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernels/cpu/diffusion_cpu_isa.hpp"
#include "kernels/cpu/omp_grain.hpp"
#include "kernels/cpu/simd_lanes.hpp"
#include "kernels/diffusion_stencil.hpp"
#include "kernels/static_for.hpp"
#include "liver_fibrosis_cpu.hpp"

#include "kernels/cpu/avx2_begin.hpp"

#include "kernels/cpu/fused_explicit_cpu.hpp"

#include "kernels/cpu/avx2_end.hpp"

namespace lobule::cpu {

bool liver_fused_step_avx2(const FusedExplicit<float>& x, const LiverRates<float>& r) {
  return fused_explicit_step<float, LiverRates<float>, 32>(x, r);
}

bool liver_fused_step_avx2(const FusedExplicit<double>& x, const LiverRates<double>& r) {
  return fused_explicit_step<double, LiverRates<double>, 32>(x, r);
}

}  // namespace lobule::cpu

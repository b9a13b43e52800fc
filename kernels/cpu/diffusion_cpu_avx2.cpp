// The CPU loops built for AVX2 (256-bit vectors), called only on a CPU that has it
// (cpu_isa_available). Only the loops of diffusion_cpu_loops.hpp, all of internal linkage, are
// compiled for AVX2 (between avx2_begin.hpp and avx2_end.hpp): the shared headers come first, so
// any out-of-line copy of their inline functions that this file emits is built for the portable
// baseline and stays safe wherever the linker uses it (tests/tools/check_isa_object.sh checks this
// object). No fused multiply-adds (fma is not in the target): the values stay bit-identical.
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "../diffusion_stencil.hpp"
#include "diffusion_cpu_isa.hpp"
#include "omp_grain.hpp"

#include "avx2_begin.hpp"

#include "diffusion_cpu_loops.hpp"

#include "avx2_end.hpp"

namespace lobule::cpu {

template <>
const CpuLoops<float>& loops_for<float, CpuIsa::Avx2>() {
  static const CpuLoops<float> table = loops_table<float>();
  return table;
}

template <>
const CpuLoops<double>& loops_for<double, CpuIsa::Avx2>() {
  static const CpuLoops<double> table = loops_table<double>();
  return table;
}

}  // namespace lobule::cpu

// The CPU loops built for the portable baseline of the target (x86-64: SSE2).
#include "diffusion_cpu_loops.hpp"

namespace lobule::cpu {

template <>
const CpuLoops<float>& loops_for<float, CpuIsa::Portable>() {
  static const CpuLoops<float> table = loops_table<float>();
  return table;
}

template <>
const CpuLoops<double>& loops_for<double, CpuIsa::Portable>() {
  static const CpuLoops<double> table = loops_table<double>();
  return table;
}

}  // namespace lobule::cpu

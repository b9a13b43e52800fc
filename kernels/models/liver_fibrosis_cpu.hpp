/// The liver model's fused explicit step on the CPU (kernels/cpu/fused_explicit_cpu.hpp): its
/// rates computed for several voxels of a row at a time, built for each instruction set of the
/// CPU loops (liver_fibrosis_cpu.cpp: SSE2, 4 floats or 2 doubles; liver_fibrosis_cpu_avx2.cpp:
/// 8 or 4) and run with the one cpu_isa() picks. CpuModelKernels calls it for this model.
#pragma once
#include "kernels/model_kernels.hpp"
#include "liver_fibrosis_rates.hpp"

namespace lobule {

bool fused_explicit_row_rates(const FusedExplicit<float>& x, const LiverRates<float>& r);
bool fused_explicit_row_rates(const FusedExplicit<double>& x, const LiverRates<double>& r);

}  // namespace lobule

/// Shared pieces of the benchmarks: test problems and the copy-bandwidth reference.
#pragma once
#include <benchmark/benchmark.h>

#include <string>

#include "host/config/config.hpp"

namespace lobule::bench {

/// A cubic box of n³ voxels with `species` diffusing species (explicit scheme).
Config cube_config(int n, int species, Precision p);

/// Bytes the explicit step must move per voxel and species: read u, read D, write u⁺.
template <class T>
constexpr double explicit_bytes_per_update() {
  return 3.0 * sizeof(T);
}

/// Host copy bandwidth [bytes/s], STREAM-like (all threads, arrays of at least 256 MiB and at
/// least `bytes`, first touch outside the timing), measured at each call. The stepping
/// benchmarks measure it just before and just after their timing and divide by the higher figure.
double host_copy_bandwidth(std::size_t bytes);

/// Sets the counters every stepping benchmark reports: voxel-species updates/s, effective
/// GB/s from the bytes the step must move (over `seconds` of timed iterations), the copy
/// GB/s measured beside it, their ratio `of_copy`, and as the label the CPU loops' instruction
/// set (kernels/cpu/diffusion_cpu_isa.hpp; LOBULE_CPU_ISA=portable selects the baseline).
void report_throughput(benchmark::State& state, double updates_per_iter, double bytes_per_iter,
                       double seconds, double copy_bytes_per_s);

}  // namespace lobule::bench

/// Shared pieces of the benchmarks: test problems and the copy-bandwidth reference.
#pragma once
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "geometry/geometry.hpp"
#include "host/config/config.hpp"
#include "host/sim/backend.hpp"
#include "host/sim/multigrid_solve.hpp"

namespace lobule::bench {

/// The path of a file of the source tree (inputs/…): LOBULE_TEST_SOURCE_DIR where the checkout
/// moved (tools/gpu-check.sh sets it), else the tree the benchmarks were built from.
std::string source_file(const std::string& relative);

/// A cubic box of n³ voxels with `species` diffusing species (explicit scheme).
Config cube_config(int n, int species, Precision p);

/// The precision of T's fields.
template <class T>
constexpr Precision precision_of() {
  return std::is_same_v<T, double> ? Precision::Double : Precision::Float;
}

/// Bytes the explicit step must move per voxel and species: read u, read D, write u⁺.
template <class T>
constexpr double explicit_bytes_per_update() {
  return 3.0 * sizeof(T);
}

/// Bytes an inner RKL2 stage must move per voxel and species: read Z_{j−1}, Z_{j−2}, M(Y₀) and D,
/// write Z_j (the first stage moves 4 words, the last 6; inner stages are most of a step).
template <class T>
constexpr double rkl2_stage_bytes_per_update() {
  return 5.0 * sizeof(T);
}

/// The stepping benchmarks' problem: cube_config(n, species) in T's precision with `scheme`,
/// uploaded to a backend of `which`. With rkl2, `rkl2_stages` = the stages of one diffusion
/// sub-step of kRkl2StageDt summed over the species (each from its largest D and its decay: 14
/// for the slowest species, D = 10 µm²/s, to 39 for the fastest, 80 µm²/s).
template <class T>
struct CubeRun {
  Config config;
  std::unique_ptr<Backend<T>> backend;
  long long rkl2_stages = 0;
};
inline constexpr double kRkl2StageDt = 10.0;  // [s]
template <class T>
CubeRun<T> cube_run(int n, int species, BackendChoice which, Scheme scheme);

/// Host copy bandwidth [bytes/s], STREAM-like (all threads, arrays of at least 256 MiB and at
/// least `bytes`, first touch outside the timing), measured at each call. The stepping
/// benchmarks measure it just before and just after their timing and divide by the higher figure.
double host_copy_bandwidth(std::size_t bytes);

/// Sets the counters every stepping benchmark reports: voxel-species updates/s, effective
/// GB/s from the bytes the step must move (over `seconds` of timed iterations), the copy
/// GB/s measured beside it, and their ratio `of_copy`.
void report_throughput(benchmark::State& state, double updates_per_iter, double bytes_per_iter,
                       double seconds, double copy_bytes_per_s);

/// Labels a CPU benchmark's figures with the instruction set of the CPU loops
/// (kernels/cpu/diffusion_cpu_isa.hpp; LOBULE_CPU_ISA=portable selects the baseline).
void label_cpu_loops(benchmark::State& state);

/// The liver fibrosis model on the lobule of inputs/ccl4_4wk.yaml at production resolution (5 µm
/// voxels, 25 µm plates, 120 × 104 voxels per layer, `layers` layers), explicit with dt: auto
/// (or with scheme rkl2 or implicit and dt = 1 h), on a backend of `which` with its fields
/// uploaded: a uniform fibrotic start, read from a file written as an earlier run's output (so that
/// no healthy state is solved) and removed again. `extra`: more `--set`s (e.g. the implicit
/// method).
template <class T>
struct LiverRun {
  Config config;
  Geometry geometry;
  std::unique_ptr<Backend<T>> backend;
};
template <class T>
LiverRun<T> liver_run(int layers, BackendChoice which, Scheme scheme = Scheme::Explicit,
                      const std::vector<std::string>& extra = {});

/// The bytes a fused step of the liver model must move per voxel: each of its 17 fields read
/// and written once, and the label.
template <class T>
constexpr double liver_bytes_per_voxel() {
  return 17 * 2.0 * sizeof(T) + 1.0;
}

/// The multigrid benchmarks' problem: one TR-BDF2 solve (dt = 1 h) of a cytokine (D = 60 µm²/s,
/// half-life 30 min, exchange with blood in the sinusoids) on the production lobule at stage F4
/// (the demo's lobule at 5 µm: 120 × 104 × 20 voxels, septa 30 µm wide), portal veins, hepatic
/// arteries and the central vein held, the scar's D lower by `contrast`.
template <class T>
MgHostProblem<T> lobule_problem(double contrast);

/// A right-hand side with every scale in it: smooth and rough parts over the unknowns.
template <class T>
std::vector<T> rough_rhs(const MgHostProblem<T>& p);

}  // namespace lobule::bench

// The explicit step and the RKL2 stages of the diffusion–decay model on the CUDA backend (64³–512³
// voxels, 1/4/8 species) and the liver model's steps, beside the device-to-device copy bandwidth
// measured in the same binary.
#include <cuda_runtime.h>

#include <map>

#include "bench_common.hpp"
#include "host/model/liver_fibrosis.hpp"
#include "host/sim/backend.hpp"
#include "kernels/cuda/device.hpp"

namespace lobule::bench {
namespace {

// Device copy bandwidth [bytes/s] (read + write) for buffers of `bytes`, timed with events.
double device_copy_bandwidth(std::size_t bytes) {
  static std::map<std::size_t, double> cache;
  if (auto it = cache.find(bytes); it != cache.end()) return it->second;
  cuda::DeviceArray<char> a(bytes), b(bytes);
  cudaEvent_t e0, e1;
  cudaEventCreate(&e0);
  cudaEventCreate(&e1);
  cudaMemcpy(b.data(), a.data(), bytes, cudaMemcpyDeviceToDevice);
  float best_ms = 1e30f;
  for (int rep = 0; rep < 10; ++rep) {
    cudaEventRecord(e0);
    cudaMemcpy(b.data(), a.data(), bytes, cudaMemcpyDeviceToDevice);
    cudaEventRecord(e1);
    cudaEventSynchronize(e1);
    float ms = 0;
    cudaEventElapsedTime(&ms, e0, e1);
    best_ms = std::min(best_ms, ms);
  }
  cudaEventDestroy(e0);
  cudaEventDestroy(e1);
  return cache[bytes] = 2.0 * double(bytes) / (best_ms * 1e-3);
}

// Calls `call(k)` once per iteration (k = 1, 2, … after an untimed warm-up call with k = 0), each
// call timed with CUDA events as the iteration's manual time; returns the seconds in all.
template <class Call>
double timed_calls(benchmark::State& state, Call call) {
  call(0);  // warm up
  cuda::synchronize();
  cudaEvent_t e0, e1;
  cudaEventCreate(&e0);
  cudaEventCreate(&e1);
  double seconds = 0;
  long long k = 0;
  for (auto _ : state) {
    cudaEventRecord(e0);
    call(++k);
    cudaEventRecord(e1);
    cudaEventSynchronize(e1);
    float ms = 0;
    cudaEventElapsedTime(&ms, e0, e1);
    state.SetIterationTime(ms * 1e-3);
    seconds += ms * 1e-3;
  }
  cudaEventDestroy(e0);
  cudaEventDestroy(e1);
  return seconds;
}

// Steps `backend` by dt once per iteration, from t = 0 on (`advance`) or always from t = 0.
template <class T>
double timed_steps(benchmark::State& state, Backend<T>& backend, double dt, bool advance) {
  return timed_calls(state, [&](long long k) { backend.step(advance ? double(k) * dt : 0.0, dt); });
}

// True, with the benchmark marked skipped, where no GPU is visible.
bool no_gpu(benchmark::State& state) {
  if (cuda_available()) return false;
  state.SkipWithError("no CUDA GPU visible");
  return true;
}

template <class T>
void BM_ExplicitStepCuda(benchmark::State& state) {
  if (no_gpu(state)) return;
  const int n = int(state.range(0)), species = int(state.range(1));
  const CubeRun<T> cube = cube_run<T>(n, species, BackendChoice::Cuda, Scheme::Explicit);
  const double seconds = timed_steps(state, *cube.backend, 0.5 * cube.config.time.dt, false);
  const double updates = double(n) * n * n * species;
  report_throughput(state, updates, updates * explicit_bytes_per_update<T>(), seconds,
                    device_copy_bandwidth(std::size_t(double(n) * n * n * sizeof(T))));
}

// One RKL2 diffusion sub-step D̃(10 s) of every species (Backend::diffuse), divided into its
// stages (bench_rkl2.cpp has the CPU's; cube_run, bench_common.hpp).
template <class T>
void BM_Rkl2StageCuda(benchmark::State& state) {
  if (no_gpu(state)) return;
  const int n = int(state.range(0)), species = int(state.range(1));
  const CubeRun<T> cube = cube_run<T>(n, species, BackendChoice::Cuda, Scheme::Rkl2);
  const long long stages = cube.rkl2_stages;
  const double seconds =
      timed_calls(state, [&](long long) { cube.backend->diffuse(0.0, kRkl2StageDt); });
  const double updates = double(n) * n * n * double(stages);
  state.counters["stages"] = double(stages);
  report_throughput(state, updates, updates * rkl2_stage_bytes_per_update<T>(), seconds,
                    device_copy_bandwidth(std::size_t(double(n) * n * n * sizeof(T))));
}

// 64³–256³ in both precisions; 512³ (float: 0.5 GiB a field) with 1 and 8 species.
void sizes(benchmark::internal::Benchmark* b) {
  for (int n : {64, 128, 256})
    for (int s : {1, 4, 8}) b->Args({n, s});
  b->Unit(benchmark::kMillisecond)->UseManualTime();
}
void sizes_512(benchmark::internal::Benchmark* b) {
  sizes(b);
  for (int s : {1, 8}) b->Args({512, s});
}

BENCHMARK_TEMPLATE(BM_ExplicitStepCuda, float)->Apply(sizes_512);
BENCHMARK_TEMPLATE(BM_ExplicitStepCuda, double)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_Rkl2StageCuda, float)->Apply(sizes_512);
BENCHMARK_TEMPLATE(BM_Rkl2StageCuda, double)->Apply(sizes);

// One explicit step of the liver model on the GPU (bench_liver.cpp has the CPU's): the
// production lobule, `layers` layers of 120 × 104 voxels; the bytes counted are what a fused
// step must move (liver_bytes_per_voxel), against the device copy (the issue's target: ≥ 0.6).
template <class T>
void BM_LiverExplicitStepCuda(benchmark::State& state) {
  if (no_gpu(state)) return;
  const LiverRun<T> l = liver_run<T>(int(state.range(0)), BackendChoice::Cuda);
  const double seconds = timed_steps(state, *l.backend, l.config.time.dt, true);
  const double voxels = double(l.geometry.voxels());
  report_throughput(state, voxels * kLiverFields, voxels * liver_bytes_per_voxel<T>(), seconds,
                    device_copy_bandwidth(l.geometry.voxels() * sizeof(T)));
  state.counters["voxels"] = voxels;
}

// One step of the production scenario's own scheme (rkl2, dt = 1 h) on the GPU, as
// BM_LiverRkl2StepCpu in bench_liver.cpp: `day_s` is one tissue day (24 steps) in wall time,
// `bytes_per_voxel` the backend's state.
template <class T>
void BM_LiverRkl2StepCuda(benchmark::State& state) {
  if (no_gpu(state)) return;
  const LiverRun<T> l = liver_run<T>(int(state.range(0)), BackendChoice::Cuda, Scheme::Rkl2);
  const double dt = l.config.time.dt;
  const double seconds = timed_steps(state, *l.backend, dt, true);
  state.counters["day_s"] = 86400 / dt * seconds / double(state.iterations());
  state.counters["bytes_per_voxel"] =
      double(l.backend->state_bytes()) / double(l.geometry.voxels());
}

// 20 layers: the production scenario; 160 layers: an 800 µm slab (2 M voxels).
BENCHMARK_TEMPLATE(BM_LiverExplicitStepCuda, float)
    ->Arg(20)
    ->Arg(160)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();
BENCHMARK_TEMPLATE(BM_LiverRkl2StepCuda, float)
    ->Arg(20)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();

}  // namespace
}  // namespace lobule::bench

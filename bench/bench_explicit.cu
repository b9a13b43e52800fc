// The explicit diffusion–decay step on the CUDA backend: 64³–256³ voxels, 1/4/8 species,
// beside the device-to-device copy bandwidth measured in the same binary.
#include <cuda_runtime.h>

#include <map>

#include "bench_common.hpp"
#include "host/model/liver_fibrosis.hpp"
#include "host/sim/backend.hpp"
#include "host/sim/build_fields.hpp"
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

// Steps `backend` once per iteration from time t (by dt, the time advancing when `advance`),
// each step timed with CUDA events as the iteration's manual time; returns the seconds in all.
template <class T>
double timed_steps(benchmark::State& state, Backend<T>& backend, double t, double dt,
                   bool advance) {
  backend.step(t, dt);  // warm up
  cuda::synchronize();
  cudaEvent_t e0, e1;
  cudaEventCreate(&e0);
  cudaEventCreate(&e1);
  double seconds = 0;
  for (auto _ : state) {
    if (advance) t += dt;
    cudaEventRecord(e0);
    backend.step(t, dt);
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

template <class T>
void BM_ExplicitStepCuda(benchmark::State& state) {
  if (!cuda_available()) {
    state.SkipWithError("no CUDA GPU visible");
    return;
  }
  const int n = int(state.range(0)), species = int(state.range(1));
  const Config c =
      cube_config(n, species, std::is_same_v<T, double> ? Precision::Double : Precision::Float);
  const Geometry g = make_geometry(c);
  auto backend = make_backend<T>(BackendChoice::Cuda);
  backend->upload(build_fields<T>(c, g));
  const double seconds = timed_steps(state, *backend, 0.0, 0.5 * c.time.dt, false);
  const double updates = double(n) * n * n * species;
  report_throughput(state, updates, updates * explicit_bytes_per_update<T>(), seconds,
                    device_copy_bandwidth(std::size_t(double(n) * n * n * sizeof(T))));
}

void sizes(benchmark::internal::Benchmark* b) {
  for (int n : {64, 128, 256})
    for (int s : {1, 4, 8}) b->Args({n, s});
  b->Unit(benchmark::kMillisecond)->UseManualTime();
}

BENCHMARK_TEMPLATE(BM_ExplicitStepCuda, float)->Apply(sizes);
BENCHMARK_TEMPLATE(BM_ExplicitStepCuda, double)->Apply(sizes);

// One explicit step of the liver model on the GPU (bench_liver.cpp has the CPU's): the
// production lobule, `layers` layers of 120 × 104 voxels; the bytes counted are what a fused
// step must move (liver_bytes_per_voxel), against the device copy (the issue's target: ≥ 0.6).
template <class T>
void BM_LiverExplicitStepCuda(benchmark::State& state) {
  if (!cuda_available()) {
    state.SkipWithError("no CUDA GPU visible");
    return;
  }
  const LiverRun<T> l = liver_run<T>(int(state.range(0)), BackendChoice::Cuda);
  const double seconds = timed_steps(state, *l.backend, 0.0, l.config.time.dt, true);
  const double voxels = double(l.geometry.voxels());
  report_throughput(state, voxels * kLiverFields, voxels * liver_bytes_per_voxel<T>(), seconds,
                    device_copy_bandwidth(l.geometry.voxels() * sizeof(T)));
  state.counters["voxels"] = voxels;
}

// 20 layers: the production scenario; 160 layers: an 800 µm slab (2 M voxels).
BENCHMARK_TEMPLATE(BM_LiverExplicitStepCuda, float)
    ->Arg(20)
    ->Arg(160)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();

}  // namespace
}  // namespace lobule::bench

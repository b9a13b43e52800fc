// The explicit step and the RKL2 stages of the diffusion–decay model on the CUDA backend (64³–512³
// voxels, 1/4/8 species) and the liver model's steps, beside the device-to-device copy bandwidth
// measured in the same binary.
#include <cuda_runtime.h>

#include <chrono>
#include <map>

#include "bench_common.hpp"
#include "host/model/liver_fibrosis.hpp"
#include "host/sim/backend.hpp"
#include "host/sim/exec_cuda.hpp"
#include "host/sim/multigrid.hpp"
#include "host/sim/multigrid_solve_impl.hpp"
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

// One step of the production scenario with scheme range(1) (rkl2 or implicit, dt = 1 h) on the
// GPU, as BM_LiverRkl2StepCpu and BM_LiverImplicitStepCpu in bench_liver.cpp: `day_s` is one
// tissue day (24 steps) in wall time, `bytes_per_voxel` the backend's state.
template <class T>
void BM_LiverStepCuda(benchmark::State& state) {
  if (no_gpu(state)) return;
  const LiverRun<T> l =
      liver_run<T>(int(state.range(0)), BackendChoice::Cuda, Scheme(state.range(1)));
  const double dt = l.config.time.dt;
  const double seconds = timed_steps(state, *l.backend, dt, true);
  state.counters["day_s"] = 86400 / dt * seconds / double(state.iterations());
  state.counters["bytes_per_voxel"] =
      double(l.backend->state_bytes()) / double(l.geometry.voxels());
}

// The multigrid solve of bench_multigrid.cpp's BM_MultigridLobule on the GPU: the residual
// reduction per iteration (`factor`), the iterations to 1e-8 (double) or 1e-5 (float), and the
// time per iteration; and one red–black Gauss–Seidel sweep of the finest level against the device
// copy (BM_MultigridSweepCuda: read diag, three faces, b and x, write x).
template <class T>
void BM_MultigridLobuleCuda(benchmark::State& state) {
  if (no_gpu(state)) return;
  const MgHostProblem<T> p = lobule_problem<T>(double(state.range(0)));
  const std::vector<T> b = rough_rhs(p);
  const MgDeviceProblem<T, CudaExec> dev(p);
  MultigridSettings s;
  s.tolerance = std::is_same_v<T, double> ? 1e-8 : 1e-5;
  Multigrid<T, CudaExec> mg(s);
  mg.build(dev.spec);
  cuda::DeviceArray<T> x(p.box.padded()), r(p.box.padded());
  SolveStats st;
  double seconds = 0;
  for (auto _ : state) {
    r.upload(b.data());
    cuda::synchronize();
    const auto t0 = std::chrono::steady_clock::now();
    st = mg.solve(x.data(), r.data(), 0.0, "bench");
    cuda::synchronize();
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  state.counters["factor"] = st.factor;
  state.counters["iterations"] = st.iterations;
  state.counters["s_per_iteration"] =
      seconds / double(state.iterations()) / std::max(1, st.iterations);
}

template <class T>
void BM_MultigridSweepCuda(benchmark::State& state) {
  if (no_gpu(state)) return;
  const MgHostProblem<T> p = lobule_problem<T>(20);
  const MgDeviceProblem<T, CudaExec> dev(p);
  Multigrid<T, CudaExec> mg;
  mg.build(dev.spec);
  // The finest level's operator as the solve uses it, and a right-hand side.
  const Box& bx = p.box;
  cuda::DeviceArray<T> diag(bx.padded()), w0(bx.padded()), w1(bx.padded()), w2(bx.padded()),
      x(bx.padded()), rhs(bx.padded());
  cuda::DeviceArray<std::uint8_t> kinds(bx.padded());
  MgFineSpec<T> spec = dev.spec;
  CudaExec::mg_kinds(bx, spec.label, spec.held, spec.kind, kinds.data());
  spec.kinds = kinds.data();
  T* w[3] = {w0.data(), w1.data(), w2.data()};
  CudaExec::mg_build_fine(spec, diag.data(), w);
  CudaExec::mg_zero(bx, x.data());
  const std::vector<T> b = rough_rhs(p);
  rhs.upload(b.data());
  const MgOperator<T> op{bx.sy(), bx.sz(), diag.data(), {w0.data(), w1.data(), w2.data()}};
  double seconds = 0;
  for (auto _ : state) {
    cuda::synchronize();
    const auto t0 = std::chrono::steady_clock::now();
    CudaExec::mg_smooth(bx, spec.kind, op, x.data(), rhs.data(), 1, true);
    cuda::synchronize();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    seconds += s;
    state.SetIterationTime(s);
  }
  report_throughput(state, double(bx.interior()), 7.0 * sizeof(T) * double(bx.interior()), seconds,
                    device_copy_bandwidth(bx.padded() * sizeof(T)));
}

BENCHMARK_TEMPLATE(BM_MultigridLobuleCuda, double)
    ->Arg(20)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();
BENCHMARK_TEMPLATE(BM_MultigridLobuleCuda, float)
    ->Arg(20)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();
BENCHMARK_TEMPLATE(BM_MultigridSweepCuda, float)->Unit(benchmark::kMillisecond)->UseManualTime();

// 20 layers: the production scenario; 160 layers: an 800 µm slab (2 M voxels).
BENCHMARK_TEMPLATE(BM_LiverExplicitStepCuda, float)
    ->Arg(20)
    ->Arg(160)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();
BENCHMARK_TEMPLATE(BM_LiverStepCuda, float)
    ->Args({20, int(Scheme::Rkl2)})
    ->Args({20, int(Scheme::Implicit)})
    ->Iterations(6)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();

}  // namespace
}  // namespace lobule::bench

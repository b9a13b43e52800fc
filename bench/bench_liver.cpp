// One explicit step of the liver fibrosis model (17 fields, docs/liver_model.md) on the CPU
// backend: the lobule of inputs/ccl4_4wk.yaml at production resolution (5 µm voxels, 25 µm
// plates, 120 × 104 voxels per layer, `layers` layers of 5 µm), from a start written as an
// earlier run's output (a uniform fibrotic state, so that no healthy state is solved).
//
// The byte count is what a fused step must move at least: every field read once and written
// once, and the label, per voxel: 17·2·sizeof(T) + 1 bytes. of_copy is that rate against the
// copy bandwidth measured beside it (the target for the fused step: ≥ 0.4 on 2 cores).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "host/io/vti_io.hpp"
#include "host/model/liver_fibrosis.hpp"
#include "host/sim/backend.hpp"
#include "host/sim/build_fields.hpp"

namespace lobule::bench {
namespace {

std::vector<std::string> production_lobule(int layers, const char* precision) {
  return {"grid.spacing=5 um",
          "geometry.height=" + std::to_string(5 * layers) + " um",
          "geometry.sinusoids.plate_thickness=25 um",
          "geometry.sinusoids.allow_coarse=false",
          "time.scheme=explicit",
          "time.dt=auto",
          std::string("precision=") + precision};
}

// A uniform fibrotic state in every tissue voxel, written where the config can read it.
std::string write_start(const Config& c, const Geometry& g) {
  const auto fields = LiverFibrosis().fields();
  const double value[kLiverFields] = {0.5, 0.2, 0.1, 0.3, 0.2, 0.25, 0.3, 0.4, 0.1,
                                      0.8, 0.2, 0.3, 0.1, 0.0, 0.0,  0.4, 0.2};
  std::vector<std::vector<double>> values(kLiverFields);
  std::vector<CellArray> arrays;
  for (int q = 0; q < kLiverFields; ++q) {
    values[std::size_t(q)].assign(g.voxels(), value[q]);
    arrays.push_back(
        {fields[std::size_t(q)].name, CellArray::Type::F64, values[std::size_t(q)].data()});
  }
  const std::string path =
      (std::filesystem::temp_directory_path() / ("lobule_bench_liver_" + c.name + ".vti")).string();
  write_vti(path, g, 0.0, arrays, "none");
  return path;
}

template <class T>
void BM_LiverExplicitStepCpu(benchmark::State& state) {
  const int layers = int(state.range(0));
  const char* precision = std::is_same_v<T, double> ? "double" : "float";
  const std::string scenario = std::string(LOBULE_SOURCE_DIR) + "/inputs/ccl4_4wk.yaml";
  auto sets = production_lobule(layers, precision);
  const Geometry g = make_geometry(load_config(scenario, sets));
  const std::string start = write_start(load_config(scenario, sets), g);
  sets.push_back("model.initial={file: " + start + "}");
  const Config c = load_config(scenario, sets);
  auto backend = make_backend<T>(BackendChoice::Cpu);
  backend->set_model(c.model_impl->kernels<T>(BackendChoice::Cpu));
  backend->upload(build_fields<T>(c, g));
  std::filesystem::remove(start);
  const double dt = c.time.dt;
  backend->step(0.0, dt);  // warm up
  const std::size_t field_bytes = g.voxels() * sizeof(T);
  const double copy_before = host_copy_bandwidth(field_bytes);
  double seconds = 0, t = dt;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    backend->step(t, dt);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    t += dt;
  }
  const double voxels = double(g.voxels());
  report_throughput(state, voxels * kLiverFields, voxels * (kLiverFields * 2.0 * sizeof(T) + 1.0),
                    seconds, std::max(copy_before, host_copy_bandwidth(field_bytes)));
  state.counters["voxels"] = voxels;
}

// 20 layers: the production scenario's 100 µm; 80 layers: a 400 µm slab (1 M voxels).
BENCHMARK_TEMPLATE(BM_LiverExplicitStepCpu, float)
    ->Arg(20)
    ->Arg(80)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_LiverExplicitStepCpu, double)
    ->Arg(20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace lobule::bench

#include "bench_common.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <type_traits>
#include <vector>

#include "geometry/labels.hpp"
#include "host/io/vti_io.hpp"
#include "host/model/liver_fibrosis.hpp"
#include "host/sim/build_fields.hpp"
#include "kernels/cpu/diffusion_cpu_isa.hpp"
#include "kernels/rkl2.hpp"

namespace lobule::bench {

std::string source_file(const std::string& relative) {
  const char* moved = std::getenv("LOBULE_TEST_SOURCE_DIR");
  return std::string(moved ? moved : LOBULE_SOURCE_DIR) + "/" + relative;
}

Config cube_config(int n, int species, Precision p) {
  std::string yaml = fmt::format(
      "grid: {{ spacing: 5 }}\ngeometry: {{ kind: box, size: [{0}, {0}, {0}] }}\nspecies:\n",
      5 * n);
  for (int s = 0; s < species; ++s)
    yaml += fmt::format(
        "  - {{ name: s{0}, diffusivity: {1}, decay: 0.001, initial: {{ kind: gaussian, center: "
        "[{2}, {2}, {2}], sigma: 20, peak: 1 }} }}\n",
        s, 10.0 + 10 * s, 2.5 * n);
  yaml += "time: { end: 1 }\n";
  yaml += std::string("precision: ") + (p == Precision::Double ? "double" : "float") + "\n";
  return parse_config(yaml, "bench.yaml");
}

template <class T>
CubeRun<T> cube_run(int n, int species, BackendChoice which, Scheme scheme) {
  CubeRun<T> r;
  r.config = cube_config(n, species, precision_of<T>());
  r.config.time.scheme = scheme;
  const Geometry g = make_geometry(r.config);
  const HostFields<T> f = build_fields<T>(r.config, g);
  r.backend = make_backend<T>(which);
  r.backend->upload(f);
  if (scheme == Scheme::Rkl2)
    for (const auto& sp : f.species)
      r.rkl2_stages +=
          rkl2_stage_count(kRkl2StageDt, double(*std::max_element(sp.D.begin(), sp.D.end())), f.ih2,
                           double(sp.decay));
  return r;
}
template CubeRun<float> cube_run<float>(int, int, BackendChoice, Scheme);
template CubeRun<double> cube_run<double>(int, int, BackendChoice, Scheme);

// STREAM-like copy b = a with the benchmark's threads: both arrays at least 256 MiB (far beyond
// the caches, so the figure is memory bandwidth and does not swing with the working set),
// allocated and first touched once, by the threads that copy them (the same static schedule),
// outside the timing; the best of 5 copies, counting read and write. Measured anew at each call:
// a shared machine's bandwidth drifts over a run, so each benchmark measures it beside its own
// timing.
double host_copy_bandwidth(std::size_t bytes) {
  static std::unique_ptr<double[]> a, b;
  static std::size_t allocated = 0;
  const std::size_t n = std::max(bytes, std::size_t(256) << 20) / sizeof(double);
  const auto count = static_cast<long long>(n);
  if (n > allocated) {
    a.reset(new double[n]);
    b.reset(new double[n]);
    allocated = n;
#pragma omp parallel for schedule(static)
    for (long long i = 0; i < count; ++i) a[i] = 1.0, b[i] = 0.0;
  }
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(static)
    for (long long i = 0; i < count; ++i) b[i] = a[i];
    benchmark::DoNotOptimize(b.get());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, 2.0 * double(n) * sizeof(double) / s);
  }
  return best;
}

void report_throughput(benchmark::State& state, double updates_per_iter, double bytes_per_iter,
                       double seconds, double copy_bytes_per_s) {
  const double iters = double(state.iterations());
  const double gbs = bytes_per_iter * iters / seconds * 1e-9;
  state.counters["updates/s"] = updates_per_iter * iters / seconds;
  state.counters["GB/s"] = gbs;
  state.counters["copy_GB/s"] = copy_bytes_per_s * 1e-9;
  state.counters["of_copy"] = gbs / (copy_bytes_per_s * 1e-9);
}

void label_cpu_loops(benchmark::State& state) {
  state.SetLabel(cpu::cpu_isa_name(cpu::cpu_isa()));
}

template <class T>
LiverRun<T> liver_run(int layers, BackendChoice which, Scheme scheme,
                      const std::vector<std::string>& extra) {
  const std::string scenario = source_file("inputs/ccl4_4wk.yaml");
  std::vector<std::string> sets = {
      "grid.spacing=5 um",
      "geometry.height=" + std::to_string(5 * layers) + " um",
      "geometry.sinusoids.plate_thickness=25 um",
      "geometry.sinusoids.allow_coarse=false",
      std::string("time.scheme=") + to_string(scheme),
      scheme == Scheme::Explicit ? "time.dt=auto" : "time.dt=1 h",
      std::string("precision=") + (std::is_same_v<T, double> ? "double" : "float")};
  sets.insert(sets.end(), extra.begin(), extra.end());
  LiverRun<T> r{load_config(scenario, sets), {}, make_backend<T>(which)};
  r.geometry = make_geometry(r.config);
  const auto fields = LiverFibrosis().fields();
  const double value[kLiverFields] = {0.5, 0.2, 0.1, 0.3, 0.2, 0.25, 0.3, 0.4, 0.1,
                                      0.8, 0.2, 0.3, 0.1, 0.0, 0.0,  0.4, 0.2};
  std::vector<std::vector<double>> values(kLiverFields);
  std::vector<CellArray> arrays;
  for (int q = 0; q < kLiverFields; ++q) {
    values[std::size_t(q)].assign(r.geometry.voxels(), value[q]);
    arrays.push_back(
        {fields[std::size_t(q)].name, CellArray::Type::F64, values[std::size_t(q)].data()});
  }
  const std::string start = (std::filesystem::temp_directory_path() /
                             fmt::format("lobule_bench_liver_{}_{}.vti", layers, ::getpid()))
                                .string();
  write_vti(start, r.geometry, 0.0, arrays, "none");
  sets.push_back("model.initial={file: " + start + "}");
  r.config = load_config(scenario, sets);
  const Config& c = r.config;
  r.backend->set_model(c.model_impl->kernels<T>(which));
  r.backend->upload(build_fields<T>(r.config, r.geometry));
  std::filesystem::remove(start);
  return r;
}

template <class T>
MgHostProblem<T> lobule_problem(double contrast) {
  const Config c =
      load_config(source_file("inputs/demo.yaml"), {"grid.spacing=5 um", "geometry.height=100 um",
                                                    "geometry.sinusoids.plate_thickness=25 um",
                                                    "geometry.sinusoids.allow_coarse=false"});
  const Geometry g = make_geometry(c);
  MgHostProblem<T> p;
  p.box = g.box;
  const Box& b = p.box;
  p.label.assign(b.padded(), kOutside);
  p.D.assign(b.padded(), T(0));
  p.loss.assign(b.padded(), T(0));
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t q = b.idx(i, j, k);
        const std::uint8_t l = g.label[g.at(i, j, k)];
        p.label[q] = l;
        if (l == kOutside) continue;
        p.D[q] = T(l == kSeptum ? 60.0 / contrast : 60.0);
        p.loss[q] = T(std::log(2.0) / 1800 + (l == kSinusoid ? 1.0 / 3600 : 0.0));
      }
  const double h = g.spacing[0];
  p.ih2 = {T(1 / (h * h)), T(1 / (h * h)), T(1 / (h * h))};
  p.a = T((1 - std::sqrt(0.5)) * 3600);  // TR-BDF2's coefficient at dt = 1 h
  p.held.mask = (1u << kPortalVein) | (1u << kHepaticArtery) | (1u << kCentralVein);
  p.kind[4] = p.kind[5] = BoundaryKind::Periodic;
  return p;
}

template <class T>
std::vector<T> rough_rhs(const MgHostProblem<T>& p) {
  std::vector<T> b(p.box.padded(), T(0));
  for (std::size_t c = 0; c < b.size(); ++c)
    if (p.label[c] != kOutside && !p.held.holds(p.label[c]))
      b[c] = T(1 + std::sin(0.01 * double(c)) + 0.5 * std::sin(double(c) * 0.7));
  return b;
}

template MgHostProblem<float> lobule_problem<float>(double);
template MgHostProblem<double> lobule_problem<double>(double);
template std::vector<float> rough_rhs<float>(const MgHostProblem<float>&);
template std::vector<double> rough_rhs<double>(const MgHostProblem<double>&);

template LiverRun<float> liver_run<float>(int, BackendChoice, Scheme,
                                          const std::vector<std::string>&);
template LiverRun<double> liver_run<double>(int, BackendChoice, Scheme,
                                            const std::vector<std::string>&);

}  // namespace lobule::bench

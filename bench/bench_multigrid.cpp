// The multigrid solver of the implicit step on the production lobule at stage F4 (the demo's
// lobule at 5 µm: 120 × 104 × 20 voxels, septa 30 µm wide, portal veins, hepatic arteries and the
// central vein held): one TR-BDF2 solve of a cytokine (D = 60 µm²/s, half-life 30 min, exchange
// with blood in the sinusoids) at dt = 1 h, the scar's D lower by `contrast` (the figure
// asks for ≥ 20). Counters: the mean residual reduction per conjugate-gradient iteration (one
// V-cycle each) to a relative residual of 1e-8 (double) or 1e-5 (float), the iterations, and the
// time per iteration. BM_MultigridSweep times one red–black Gauss–Seidel sweep of the finest level
// against the copy bandwidth measured beside it (the bytes a sweep must move: read diag, three
// faces, b and x, write x).
#include <chrono>
#include <cmath>

#include "bench_common.hpp"
#include "geometry/labels.hpp"
#include "host/sim/build_fields.hpp"
#include "host/sim/exec_cpu.hpp"
#include "host/sim/multigrid.hpp"
#include "host/sim/multigrid_solve_impl.hpp"
#include "kernels/cpu/multigrid_cpu.hpp"

namespace lobule::bench {
namespace {

// The hierarchy is built once before the timing (a run keeps it and rebuilds its operators every
// step: BM_MultigridBuild); each iteration solves from x = 0.
template <class T>
void BM_MultigridLobule(benchmark::State& state) {
  const MgHostProblem<T> p = lobule_problem<T>(double(state.range(0)));
  const std::vector<T> b = rough_rhs(p);
  const MgDeviceProblem<T, CpuExec> dev(p);
  MultigridSettings s;
  s.tolerance = std::is_same_v<T, double> ? 1e-8 : 1e-5;
  Multigrid<T, CpuExec> mg(s);
  mg.build(dev.spec);
  CpuExec::Array<T> x(p.box.padded()), r(p.box.padded());
  std::vector<double> history;
  SolveStats st;
  double seconds = 0;
  for (auto _ : state) {
    history.clear();
    r.upload(b.data());
    const auto t0 = std::chrono::steady_clock::now();
    st = mg.solve(x.data(), r.data(), 0.0, "bench", &history);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  double worst = history.empty() ? 0 : history[0];
  for (std::size_t q = 1; q < history.size(); ++q)
    worst = std::max(worst, history[q] / history[q - 1]);
  state.counters["factor"] = st.factor;
  state.counters["worst_factor"] = worst;
  state.counters["iterations"] = st.iterations;
  state.counters["s_per_iteration"] =
      seconds / double(state.iterations()) / std::max(1, st.iterations);
  state.counters["levels"] = double(mg.levels());
  label_cpu_loops(state);
}

// Building the finest level's operator (what each implicit step does once per species; /0), or
// every level's (when a species' coarse levels are rebuilt; /1).
template <class T>
void BM_MultigridBuild(benchmark::State& state) {
  const MgHostProblem<T> p = lobule_problem<T>(20);
  const MgDeviceProblem<T, CpuExec> dev(p);
  Multigrid<T, CpuExec> mg;
  typename Multigrid<T, CpuExec>::Coarse coarse;
  mg.build(dev.spec, coarse, true);
  for (auto _ : state) mg.build(dev.spec, coarse, state.range(0) == 1);
  label_cpu_loops(state);
}

template <class T>
void BM_MultigridSweep(benchmark::State& state) {
  const MgHostProblem<T> p = lobule_problem<T>(20);
  const Box& b = p.box;
  const std::size_t n = b.padded();
  std::vector<T> diag(n), w0(n), w1(n), w2(n), x(n, T(0)), rhs = rough_rhs(p);
  MgFineSpec<T> spec;
  spec.box = b;
  spec.label = p.label.data();
  spec.held = p.held;
  spec.D = p.D.data();
  spec.ih2 = p.ih2;
  spec.a = p.a;
  spec.rates.p = spec.rates.l = p.loss.data();
  for (int f = 0; f < kFaces; ++f) spec.kind[f] = p.kind[f];
  T* w[3] = {w0.data(), w1.data(), w2.data()};
  std::vector<std::uint8_t> kinds(n);
  cpu::mg_kinds(b, spec.label, spec.held, spec.kind, kinds.data());
  spec.kinds = kinds.data();
  cpu::mg_build_fine(spec, diag.data(), w);
  for (T* a : w) cpu::mg_wrap_halo(b, spec.kind, a);
  const MgOperator<T> op{b.sy(), b.sz(), diag.data(), {w0.data(), w1.data(), w2.data()}};
  const double copy_before = host_copy_bandwidth(n * sizeof(T));
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    cpu::mg_smooth(b, spec.kind, op, x.data(), rhs.data(), 1, true);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  report_throughput(state, double(b.interior()), 7.0 * sizeof(T) * double(b.interior()), seconds,
                    std::max(copy_before, host_copy_bandwidth(n * sizeof(T))));
  label_cpu_loops(state);
}

BENCHMARK_TEMPLATE(BM_MultigridLobule, double)
    ->Arg(1)
    ->Arg(20)
    ->Arg(100)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_MultigridLobule, float)->Arg(20)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_MultigridBuild, float)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_TEMPLATE(BM_MultigridSweep, float)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_TEMPLATE(BM_MultigridSweep, double)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace lobule::bench

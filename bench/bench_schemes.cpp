// Time to solution at equal accuracy: explicit and rkl2 on an n³ box of 5 µm voxels with
// four species (D = 60, 70, 40, 5 µm²/s) over one hour of tissue time, against the exact
// solution, on the CPU and (where a GPU is visible) the CUDA backend. Two problems in a no-flux
// box, each species decaying with its half-life:
//   modes:  1 + Σ 0.3·e^{−D|k|²t}·Π_a cos(k_a·x_a) over three cosine modes (smooth fields);
//   pulses: a Gaussian pulse (σ = 100 µm), exact as Π_a of 1-D image sums of variance σ² + 2Dt.
// rkl2 takes the largest step of a ladder whose relative L2 error at 1 h (largest over
// the species) is ≤ 1e-3; larger steps are tried first and not timed. explicit runs at 0.9× its
// stability limit; its time is measured over a block of steps and scaled to the steps of one
// hour (counter extrapolated = 1), and its error is taken at the end of that block.
// LOBULE_BENCH_LADDER_FROM=<seconds> starts the ladder at the first step ≤ that value (to skip
// rungs known to fail on large boxes; the first rung tried should still be one that fails, so
// the output shows that the next larger step misses the tolerance).
//
// BM_PulseToTolerance: the problem of the comparison with BioFVM (bench/RESULTS.md) — one
// species (D = 60 µm²/s, half-life 30 min), one Gaussian pulse (σ = 100 µm) at the centre of a
// no-flux n³ box of 5 µm voxels, one hour — and, for each relative L2 tolerance of 1e-2, 5e-3,
// 2e-3, 1e-3, 2e-4 and 1e-4, the time of the fastest rkl2 step of the ladder that meets it.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "host/config/stability.hpp"
#include "host/sim/backend.hpp"

namespace lobule {
namespace {

constexpr double kH = 5, kT = 3600, kTolerance = 1e-3, kSigma = 100;
enum Problem { kModes = 0, kPulses = 1, kPulse = 2 };  // kPulse: kSpecies[0] alone
constexpr int kModeCount = 3;
constexpr int kMode[kModeCount][3] = {{1, 0, 0}, {0, 2, 1}, {2, 1, 1}};

struct Species {
  const char* name;
  double D, half_life, x0[3];  // µm²/s, s, pulse centre as a fraction of the box
};
constexpr Species kSpecies[4] = {{"tgfb", 60, 1800, {0.5, 0.5, 0.5}},
                                 {"il10", 70, 9000, {0.3, 0.6, 0.4}},
                                 {"hgf", 40, 1800, {0.7, 0.35, 0.6}},
                                 {"ev", 5, 21600, {0.4, 0.4, 0.65}}};

// The species of a problem: all four, or the first (a pulse at the centre) alone.
struct SpeciesList {
  const Species* begin() const { return kSpecies; }
  const Species* end() const { return kSpecies + count; }
  std::size_t count;
};
SpeciesList species_of(Problem p) {
  return {p == kPulse ? 1u : 4u};
}

const char* name_of(Problem p) {
  return p == kModes ? "modes" : p == kPulses ? "pulses" : "pulse";
}

// One axis of the pulse in a no-flux slab [0, L]: images at ±x0 + 2nL, as many as reach within
// 8 standard deviations.
double axis_profile(double x, double x0, double L, double var, double var0) {
  const int images = int(std::ceil(8 * std::sqrt(var) / (2 * L))) + 1;
  double g = 0;
  for (int n = -images; n <= images; ++n)
    g += std::exp(-(x - x0 - 2 * n * L) * (x - x0 - 2 * n * L) / (2 * var)) +
         std::exp(-(x + x0 - 2 * n * L) * (x + x0 - 2 * n * L) / (2 * var));
  return g * std::sqrt(var0 / var);
}

double exact(Problem p, const Species& s, int n, int i, int j, int k, double t) {
  const double L = n * kH, decay = std::exp(-std::log(2.0) / s.half_life * t);
  const double x[3] = {(i + 0.5) * kH, (j + 0.5) * kH, (k + 0.5) * kH};
  if (p == kModes) {
    double u = 1;
    for (const auto& m : kMode) {
      const double k2 = M_PI * M_PI * (m[0] * m[0] + m[1] * m[1] + m[2] * m[2]) / (L * L);
      double c = 0.3 * std::exp(-s.D * k2 * t);
      for (int a = 0; a < 3; ++a) c *= std::cos(M_PI * m[a] * x[a] / L);
      u += c;
    }
    return decay * u;
  }
  const double var0 = kSigma * kSigma, var = var0 + 2 * s.D * t;
  double u = decay;
  for (int a = 0; a < 3; ++a) u *= axis_profile(x[a], s.x0[a] * L, L, var, var0);
  return u;
}

HostFields<float> initial(Problem p, int n, Scheme scheme) {
  HostFields<float> f;
  f.box = whole_box(n, n, n);
  f.ih2 = {float(1 / (kH * kH)), float(1 / (kH * kH)), float(1 / (kH * kH))};
  f.scheme = scheme;
  f.label.assign(f.box.padded(), 255);
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) f.label[f.box.idx(i, j, k)] = 0;
  for (const Species& s : species_of(p)) {
    SpeciesField<float> sp;
    sp.name = s.name;
    sp.decay = float(std::log(2.0) / s.half_life);
    sp.d_free = float(s.D);
    sp.u.assign(f.box.padded(), 0.0f);
    sp.D.assign(f.box.padded(), 0.0f);
    for (int k = 0; k < n; ++k)
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
          sp.D[f.box.idx(i, j, k)] = float(s.D);
          sp.u[f.box.idx(i, j, k)] = float(exact(p, s, n, i, j, k, 0));
        }
    f.species.push_back(std::move(sp));
  }
  return f;
}

// Largest relative L2 error over the species at time t.
double max_relative_error(Problem p, const HostFields<float>& f, int n, double t) {
  double worst = 0;
  for (std::size_t s = 0; s < f.species.size(); ++s) {
    double err = 0, norm = 0;  // species s is kSpecies[s] (species_of)
#pragma omp parallel for collapse(2) reduction(+ : err, norm)
    for (int k = 0; k < n; ++k)
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) {
          const double e = exact(p, kSpecies[s], n, i, j, k, t);
          const double d = double(f.species[s].u[f.box.idx(i, j, k)]) - e;
          err += d * d;
          norm += e * e;
        }
    worst = std::max(worst, std::sqrt(err / norm));
  }
  return worst;
}

struct Result {
  double wall = 0, error = 0, dt = 0, sweeps = 0;
  long long steps = 0;
};

// Runs `steps` steps of dt from t = 0 and times them (upload and download excluded).
Result run(Problem p, BackendChoice which, HostFields<float> f, int n, double dt, long long steps) {
  auto b = make_backend<float>(which);
  b->upload(f);
  b->download(f);  // waits for the upload
  const auto t0 = std::chrono::steady_clock::now();
  double t = 0;
  for (long long q = 0; q < steps; ++q) {
    const double h = std::min(dt, kT - t);
    b->step(t, h);
    t += h;
  }
  b->download(f);  // waits for the device
  Result r;
  r.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.error = max_relative_error(p, f, n, t);
  r.dt = dt;
  r.steps = steps;
  return r;
}

// Grid sweeps per step (stencil sweeps, RKL2 stages with the decay the step carries).
double sweeps_per_step(Problem p, Scheme scheme, double dt, int n) {
  double total = 0;
  const std::array<double, 3> h = {kH, kH, kH};
  for (const Species& s : species_of(p)) {
    if (scheme == Scheme::Explicit) total += 1;
    if (scheme == Scheme::Rkl2) total += rkl2_stages(dt, s.D, std::log(2.0) / s.half_life, h);
    // implicit: counted from its estimate (the V-cycles a solve takes vary with the problem)
    if (scheme == Scheme::Implicit)
      total += scheme_cost(dt, s.D, std::log(2.0) / s.half_life, h, {n, n, n}).implicit_sweeps;
  }
  return total;
}

// The largest ladder step to try [s]: LOBULE_BENCH_LADDER_FROM, or every step when it is unset;
// NaN when it is set but not a positive number.
double ladder_from() {
  const char* from = std::getenv("LOBULE_BENCH_LADDER_FROM");
  if (!from) return INFINITY;
  char* end = nullptr;
  const double v = std::strtod(from, &end);
  return end != from && *end == '\0' && v > 0 ? v : NAN;
}

// f's scheme (rkl2 or implicit) from f down the steps of `ladder` that are ≤ `largest`, each
// over the whole hour, until one meets `tolerance`: every rung run, in order, each printed to
// stderr.
std::vector<Result> step_ladder(Problem p, BackendChoice which, const HostFields<float>& f, int n,
                                const std::vector<double>& ladder, double largest,
                                double tolerance) {
  std::vector<Result> rungs;
  for (double dt : ladder) {
    if (dt > largest) continue;
    rungs.push_back(run(p, which, f, n, dt, (long long)std::ceil(kT / dt - 1e-9)));
    const Result& r = rungs.back();
    std::fprintf(stderr, "  %s %s n = %d: dt = %g s, relative L2 error %.3g, %.3g s\n", name_of(p),
                 to_string(f.scheme), n, dt, r.error, r.wall);
    if (r.error <= tolerance) break;
  }
  return rungs;
}

// Returns a result with steps = 0 when no step of the ladder is ≤ `largest`.
Result time_to_solution(Problem p, BackendChoice which, Scheme scheme, int n, double largest) {
  const HostFields<float> f = initial(p, n, scheme);
  if (scheme == Scheme::Explicit) {
    double limit = INFINITY;
    const std::array<double, 3> h = {kH, kH, kH};
    for (const Species& s : species_of(p))
      limit = std::min(limit, explicit_dt_limit(s.D, std::log(2.0) / s.half_life, h));
    const double dt = 0.9 * limit;
    const long long total = (long long)std::ceil(kT / dt);
    const long long block = which == BackendChoice::Cuda ? 2000 : 200;
    Result r = run(p, which, f, n, dt, block);
    r.wall *= double(total) / double(block);
    r.steps = total;
    return r;
  }
  const std::vector<Result> rungs =
      step_ladder(p, which, f, n, {1200, 900, 600, 400, 300, 240, 180, 120, 90, 60, 30, 15},
                  largest, kTolerance);
  return rungs.empty() ? Result{} : rungs.back();
}

// Copy bandwidth of this machine on one field, for scale [GB/s].
double copy_bandwidth(int n) {
  std::vector<float> a(std::size_t(n) * n * n, 1.0f), b(a.size());
  const auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < 5; ++r) std::memcpy(b.data(), a.data(), a.size() * sizeof(float));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  benchmark::DoNotOptimize(b.data());
  return 5 * 2.0 * double(a.size()) * sizeof(float) / s / 1e9;
}

void BM_TimeToSolution(benchmark::State& state) {
  const int n = int(state.range(0));
  const Problem problem = Problem(state.range(1));
  const Scheme scheme = Scheme(state.range(2));
  const BackendChoice which = state.range(3) ? BackendChoice::Cuda : BackendChoice::Cpu;
  if (which == BackendChoice::Cuda && !cuda_available()) {
    state.SkipWithError("no CUDA GPU visible");
    return;
  }
  const double largest = ladder_from();
  if (std::isnan(largest)) {
    state.SkipWithError("LOBULE_BENCH_LADDER_FROM must be a positive number of seconds");
    return;
  }
  Result r;
  for (auto _ : state) {
    r = time_to_solution(problem, which, scheme, n, largest);
    state.SetIterationTime(r.wall);
  }
  if (r.steps == 0) {
    state.SkipWithError("no step of the dt ladder is <= LOBULE_BENCH_LADDER_FROM");
    return;
  }
  const double sweeps = sweeps_per_step(problem, scheme, r.dt, n) * double(r.steps);
  state.counters["time_to_solution_s"] = r.wall;
  state.counters["dt_s"] = r.dt;
  state.counters["steps"] = double(r.steps);
  state.counters["rel_l2_error"] = r.error;
  state.counters["extrapolated"] = scheme == Scheme::Explicit ? 1 : 0;
  state.counters["grid_sweeps"] = sweeps;
  state.counters["voxel_sweeps_per_s"] = sweeps * double(n) * n * n / r.wall;
  if (which == BackendChoice::Cpu) state.counters["copy_GB_per_s"] = copy_bandwidth(n);
  state.SetLabel(std::string(name_of(problem)) + " " + to_string(scheme) +
                 (which == BackendChoice::Cuda ? " cuda" : " cpu"));
}

void args(benchmark::internal::Benchmark* b) {
  for (int gpu : {0, 1})
    for (int n : {64, 128, 256})
      for (int p : {int(kModes), int(kPulses)})
        for (int s : {int(Scheme::Explicit), int(Scheme::Rkl2), int(Scheme::Implicit)})
          b->Args({n, p, s, gpu});
  b->ArgNames({"n", "problem", "scheme", "gpu"})
      ->Iterations(1)
      ->UseManualTime()
      ->Unit(benchmark::kSecond);
}

BENCHMARK(BM_TimeToSolution)->Apply(args);

// rkl2 or implicit (scheme) down a ladder of steps on the single pulse until a step meets the
// smallest tolerance; for each tolerance, the time and step of the fastest rung that meets it
// (counters t_<tol>_s, dt_<tol>_s; none where no rung does). Each rung runs the whole hour. The
// implicit solves go to 1e-6 of the field (float), below the smallest tolerance.
void BM_PulseToTolerance(benchmark::State& state) {
  const int n = int(state.range(0));
  const BackendChoice which = state.range(1) ? BackendChoice::Cuda : BackendChoice::Cpu;
  const Scheme scheme = Scheme(state.range(2));
  if (which == BackendChoice::Cuda && !cuda_available()) {
    state.SkipWithError("no CUDA GPU visible");
    return;
  }
  constexpr double kTolerances[] = {1e-2, 5e-3, 2e-3, 1e-3, 2e-4, 1e-4};
  const double smallest = kTolerances[std::size(kTolerances) - 1];
  HostFields<float> f = initial(kPulse, n, scheme);
  f.implicit.solver.tolerance = 1e-6;
  std::vector<Result> rungs;
  for (auto _ : state) {
    rungs = step_ladder(kPulse, which, f, n,
                        {3600, 1800, 1200, 900, 600, 400, 300, 240, 180, 120, 90, 60, 30, 15, 5, 1},
                        INFINITY, smallest);
    double total = 0;
    for (const Result& r : rungs) total += r.wall;
    state.SetIterationTime(total);
  }
  for (double tol : kTolerances) {
    const Result* best = nullptr;
    for (const Result& r : rungs)
      if (r.error <= tol && (!best || r.wall < best->wall)) best = &r;
    if (!best) continue;
    const std::string key = fmt::format("{:.0e}", tol);
    state.counters["t_" + key + "_s"] = best->wall;
    state.counters["dt_" + key + "_s"] = best->dt;
  }
  state.SetLabel(std::string("pulse ") + to_string(scheme) +
                 (which == BackendChoice::Cuda ? " cuda" : " cpu"));
}

BENCHMARK(BM_PulseToTolerance)
    ->ArgsProduct({{64, 200}, {0, 1}, {int(Scheme::Rkl2), int(Scheme::Implicit)}})
    ->ArgNames({"n", "gpu", "scheme"})
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace lobule

// The liver model's initial states (model.initial): the healthy steady state, cirrhosis on the
// geometry's septa, or all fields of an earlier run's .vti.
#include <fmt/format.h>

#include <cmath>

#include "host/config/config.hpp"
#include "host/errors.hpp"
#include "host/sim/backend.hpp"
#include "host/sim/build_fields.hpp"
#include "host/sim/output_writer.hpp"
#include "host/sim/run_signals.hpp"
#include "kernels/voxel_class.hpp"
#include "liver_fibrosis.hpp"

namespace lobule {
namespace {

// Pseudo-time steps of the healthy solve [s]. The balanced step keeps the steady state for any
// dt, but it does not approach it for any dt: at 6 h the MMP-TIMP pair oscillates from step to
// step, at 1–3 h (the scenarios' own steps) the approach is smooth (2 h: the same state as 1 h
// to 3e-6, in half the time). A step whose result is not
// finite or grew a field a thousand-fold (far from the steady state, the splitting's remainder
// can give back loss that a stiff rate took in the diffusion sub-step) is undone and quartered;
// the next steps grow again, up to kSettleStep. The collagen fields, which take months, move by
// implicit pseudo-steps of kCollagenStep after each step (settle_collagen).
constexpr double kSettleStep = 2 * kHour;
constexpr double kSmallestSettleStep = 1.0;
constexpr int kMaxSettleSteps = 5000;
// Largest relative change per step, every field: a drift below 1e-6 per step (2 h) stays below
// 0.05 % over the 28 days of the homeostasis target.
constexpr double kSettleTolerance = 1e-6;
constexpr double kCollagenStep = 2000 * kDay;  // pseudo-time step of the collagen fields
constexpr double kOvershoot = 1e3;             // a larger relative change in one step is undone
// Steps of plain dynamics before the local fields are settled: settled against the cytokines
// of the first hours (no MMP yet, no growth factors), cross-linked collagen would have no
// degradation to balance it and the state would fall into scar.
constexpr int kDynamicSteps = 40;

// Largest change of any field between a and b over the tissue voxels, relative to the field's
// largest value there in b; infinite when a holds a value that is not finite. (The halo layer
// and outside voxels hold boundary values and stage increments, not field values.)
double relative_change(const HostFields<double>& a, const HostFields<double>& b) {
  double worst = 0;
  for (std::size_t q = 0; q < a.species.size(); ++q) {
    double d = 0, m = 1e-30;
    for (std::size_t c = 0; c < a.species[q].u.size(); ++c) {
      if (!is_tissue(a.label[c])) continue;
      if (!std::isfinite(a.species[q].u[c])) return HUGE_VAL;
      d = std::max(d, std::abs(a.species[q].u[c] - b.species[q].u[c]));
      m = std::max(m, std::abs(b.species[q].u[c]));
    }
    if (m > 1e-12) worst = std::max(worst, d / m);  // fields that stay ~0 do not count
  }
  return worst;
}

// One implicit Euler step of pseudo-time kCollagenStep for collagen and then cross-linked
// collagen, everything else held: u ← (u + H·P)/(1 + H·L). Both take months to settle, far
// beyond the pseudo-time of the other fields; the implicit step moves them towards their
// equilibrium P/L at once for a fast-turning field and by a damped fraction for the slowest,
// which keeps the loop scar → hepatocyte loss → HSC activation → scar from overshooting.
void settle_collagen(const LiverRates<double>& r, const VoxelRef& v, double* u) {
  double P[kLiverFields], L[kLiverFields];
  for (int q : {int(kCollagen), int(kCollagenX)}) {
    r.rates(0.0, v, kLiverFields, u, P, L);
    u[q] = (u[q] + kCollagenStep * P[q]) / (1 + kCollagenStep * L[q]);
  }
}

// Collagen and cross-linked collagen at every cell voxel one step nearer their equilibrium.
void settle_all(const LiverRates<double>& r, HostFields<double>& f) {
  const Box& b = f.box;
#pragma omp parallel for collapse(2)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t c = b.idx(i, j, k);
        const VoxelRef v{c, i, j, k, f.label[c], f.zone.empty() ? 0.0f : f.zone[c]};
        if (!LiverRates<double>::has_cells(v.label)) continue;
        double u[kLiverFields];
        for (int q = 0; q < kLiverFields; ++q) u[q] = f.species[std::size_t(q)].u[c];
        settle_collagen(r, v, u);
        for (int q = kLiverDiffusing; q < kLiverFields; ++q) f.species[std::size_t(q)].u[c] = u[q];
      }
}

// Every field in the geometry's voxel order (the interior of the padded box).
std::vector<std::vector<double>> interior_fields(const HostFields<double>& f) {
  std::vector<std::vector<double>> u;
  for (const auto& sp : f.species) u.push_back(interior_of(f.box, sp.u));
  return u;
}

}  // namespace

// The steady state of the whole model without injury: pseudo-time steps of the CPU engine
// (balanced RKL2, steady-state exact) for the diffusing fields, the local fields settled to their
// equilibrium after each, until no field moves by more than kSettleTolerance of its size.
std::vector<std::vector<double>> LiverFibrosis::healthy_state(const Config& c,
                                                              const Geometry& g) const {
  LiverParams quiet = params_;
  quiet.injury_periods = 0;
  Config plain = c;
  plain.model_impl = nullptr;  // build the arrays only; the start values are set below
  plain.time.scheme = Scheme::Rkl2;
  HostFields<double> f = build_fields<double>(plain, g);
  f.scheme = Scheme::Rkl2;
  f.rkl2.max_halvings = 0;  // pseudo time: an undershoot clipped to 0 needs no accuracy
  const Box& b = f.box;
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t p = b.idx(i, j, k);
        if (!LiverRates<double>::has_cells(f.label[p])) continue;
        f.species[kHep].u[p] = 1.0;
        f.species[kMac1].u[p] = 0.05;
      }
  const LiverRates<double> rates(quiet);
  auto engine = make_backend<double>(BackendChoice::Cpu);
  engine->set_model(kernels_with<double>(BackendChoice::Cpu, quiet));
  double last_change = 0, h = kSettleStep;
  int accepted = 0;
  for (int it = 0; it < kMaxSettleSteps; ++it) {
    if (const int sig = SignalGuard::stop_requested())
      throw Interrupted(
          fmt::format("stopped by {} while solving the healthy state of the liver "
                      "model at start-up; nothing was written",
                      signal_name(sig)));
    const HostFields<double> before = f;
    bool ran_away = false;
    try {
      engine->upload(f);
      engine->step(0.0, h);
      engine->download(f);
    } catch (const NumericalError& e) {  // a runaway RKL2 stage count (host/sim/engine_impl.hpp)
      if (!(h > kSmallestSettleStep))
        throw NumericalError(
            fmt::format("solving the healthy state of the liver model: {}", e.what()));
      ran_away = true;
    }
    // The step alone judges the overshoot; settling the collagen may move it far (it starts far).
    if ((ran_away || relative_change(f, before) > kOvershoot) && h > kSmallestSettleStep) {
      f = before;
      h *= 0.25;
      continue;
    }
    if (accepted >= kDynamicSteps) settle_all(rates, f);
    last_change = relative_change(f, before);
    ++accepted;
    if (last_change < kSettleTolerance && h == kSettleStep) return interior_fields(f);
    h = std::min(kSettleStep, 2 * h);
  }
  // Not settled: the run starts from the last state, and says so (it will drift).
  fmt::print(stderr,
             "lobule: warning: the healthy state of the liver model did not settle within {} "
             "steps of {} h (largest relative change of a field in the last step: {:.2g}); the "
             "run starts from the last state and will drift\n",
             kMaxSettleSteps, kSettleStep / kHour, last_change);
  return interior_fields(f);
}

std::vector<std::vector<double>> LiverFibrosis::read_start_file(const Config& c,
                                                                const Geometry& g) const {
  std::vector<std::vector<double>> u;
  for (int q = 0; q < kLiverFields; ++q) {
    SpeciesConfig s;
    s.name = fields()[std::size_t(q)].name;
    s.initial.kind = InitialKind::File;
    s.initial.path = start_file_;
    s.initial.array = s.name;
    u.push_back(read_initial_file(s, g, c.precision));
  }
  return u;
}

void LiverFibrosis::check_inputs(const Config& c, const Geometry& g) const {
  check_geometry(g);
  if (start_ == LiverStart::File) read_start_file(c, g);
}

// healthy: the steady state; cirrhotic: the same with the geometry's septa as mature scar
// (collagen + collagen_x = 1, 60 % cross-linked), hepatocytes only where the scar leaves room,
// and activated HSCs in and beside the septa; file: every field from an earlier run's output.
bool LiverFibrosis::initial_state(const Config& c, const Geometry& g,
                                  std::vector<std::vector<double>>& u) const {
  check_geometry(g);
  if (start_ == LiverStart::File) {
    u = read_start_file(c, g);
    return true;
  }
  u = healthy_state(c, g);
  if (start_ == LiverStart::Healthy) return true;
  const Box& b = g.box;
  auto septum = [&](int i, int j, int k) {
    return i >= 0 && j >= 0 && k >= 0 && i < b.nx && j < b.ny && k < b.nz &&
           g.label[g.at(i, j, k)] == kSeptum;
  };
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t v = g.at(i, j, k);
        if (!LiverRates<double>::has_cells(g.label[v])) continue;
        if (septum(i, j, k)) {
          u[kCollagen][v] = 0.4;
          u[kCollagenX][v] = 0.6;
          u[kHep][v] = std::max(0.0, 1.0 - 1.0 / params_.C_block);
          u[kHsc][v] = 0.3;
        } else if (septum(i - 1, j, k) || septum(i + 1, j, k) || septum(i, j - 1, k) ||
                   septum(i, j + 1, k) || septum(i, j, k - 1) || septum(i, j, k + 1)) {
          u[kHsc][v] = std::max(u[kHsc][v], 0.15);
        }
      }
  return true;
}

}  // namespace lobule

// The liver model's initial states (model.initial): the healthy steady state, cirrhosis on the
// geometry's septa, or all fields of an earlier run's .vti.
#include <fmt/format.h>

#include <cmath>

#include "host/config/config.hpp"
#include "host/errors.hpp"
#include "host/sim/backend.hpp"
#include "host/sim/build_fields.hpp"
#include "host/sim/output_writer.hpp"
#include "liver_fibrosis.hpp"

namespace lobule {
namespace {

// Pseudo-time step of the healthy solve [s] and its limits: the balanced step keeps the steady
// state for any dt, so a long step only speeds up the approach.
constexpr double kSettleStep = 6 * kHour;
constexpr int kMaxSettleSteps = 400;
constexpr double kSettleTolerance = 1e-7;  // largest relative change per step, every field
// Steps of plain dynamics before the local fields are settled: settled against the cytokines
// of the first hours (no MMP yet, no growth factors), cross-linked collagen would have no
// degradation to balance it and the state would fall into scar.
constexpr int kDynamicSteps = 40;

// Largest change of any field between a and b, relative to the field's largest value.
double relative_change(const HostFields<double>& a, const HostFields<double>& b) {
  double worst = 0;
  for (std::size_t q = 0; q < a.species.size(); ++q) {
    double d = 0, m = 1e-30;
    for (std::size_t c = 0; c < a.species[q].u.size(); ++c) {
      d = std::max(d, std::abs(a.species[q].u[c] - b.species[q].u[c]));
      m = std::max(m, std::abs(b.species[q].u[c]));
    }
    if (m > 1e-12) worst = std::max(worst, d / m);  // fields that stay ~0 do not count
  }
  return worst;
}

// u_q = P_q/L_q for collagen and cross-linked collagen, the slowest fields (months), repeated
// until they stop moving: neither feeds its own production, so this is their equilibrium with
// everything else held. The faster cells (days) settle by the steps themselves.
void settle_collagen(const LiverRates<double>& r, const VoxelRef& v, double* u) {
  double P[kLiverFields], L[kLiverFields];
  for (int it = 0; it < 100; ++it) {
    r.rates(0.0, v, kLiverFields, u, P, L);
    double change = 0;
    for (int q : {int(kCollagen), int(kCollagenX)}) {
      if (!(L[q] > 0)) continue;
      const double next = P[q] / L[q];
      change = std::max(change, std::abs(next - u[q]) / std::max(std::abs(next), 1e-30));
      u[q] = next;
    }
    if (change < 1e-14) return;
  }
}

// Collagen and cross-linked collagen at every cell voxel to their equilibrium (settle_collagen).
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
  double last_change = 0;
  for (int it = 0; it < kMaxSettleSteps; ++it) {
    const HostFields<double> before = f;
    engine->upload(f);
    engine->step(0.0, kSettleStep);
    engine->download(f);
    if (it >= kDynamicSteps) settle_all(rates, f);
    last_change = relative_change(f, before);
    if (last_change < kSettleTolerance) return interior_fields(f);
  }
  // Not settled: the run starts from the last state, and says so (it will drift).
  fmt::print(stderr,
             "lobule: warning: the healthy state of the liver model did not settle within {} "
             "steps of {} h (largest relative change of a field in the last step: {:.2g}); the "
             "run starts from the last state and will drift\n",
             kMaxSettleSteps, kSettleStep / kHour, last_change);
  return interior_fields(f);
}

// healthy: the steady state; cirrhotic: the same with the geometry's septa as mature scar
// (collagen + collagen_x = 1, 60 % cross-linked), hepatocytes only where the scar leaves room,
// and activated HSCs in and beside the septa; file: every field from an earlier run's output.
bool LiverFibrosis::initial_state(const Config& c, const Geometry& g,
                                  std::vector<std::vector<double>>& u) const {
  if (start_ == LiverStart::File) {
    u.clear();
    for (int q = 0; q < kLiverFields; ++q) {
      SpeciesConfig s;
      s.name = fields()[std::size_t(q)].name;
      s.initial.kind = InitialKind::File;
      s.initial.path = start_file_;
      s.initial.array = s.name;
      u.push_back(read_initial_file(s, g, c.precision));
    }
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

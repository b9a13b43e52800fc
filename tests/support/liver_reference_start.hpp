/// The liver model's healthy start as lobule computed it before the engine's steady-state
/// service (host/sim/steady_state.hpp): pseudo-time steps of 2 h of the CPU engine with rkl2 in
/// double, after 40 of them collagen and cross-linked collagen moved by implicit Euler
/// pseudo-steps of 2000 days each, until no field changes by more than 1e-6 (relative) in a step.
/// Kept as the reference the service is tested against.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "host/model/liver_fibrosis.hpp"
#include "host/sim/backend.hpp"
#include "host/sim/build_fields.hpp"

namespace lobule::test {

// Largest change of any field between a and b over the tissue, relative to the field's largest
// value in b (fields that stay below 1e-12 do not count).
inline double reference_change(const HostFields<double>& a, const HostFields<double>& b) {
  double worst = 0;
  for (std::size_t q = 0; q < a.species.size(); ++q) {
    double d = 0, m = 1e-30;
    for (std::size_t c = 0; c < a.species[q].u.size(); ++c) {
      if (!is_tissue(a.label[c])) continue;
      if (!std::isfinite(a.species[q].u[c])) return HUGE_VAL;
      d = std::max(d, std::abs(a.species[q].u[c] - b.species[q].u[c]));
      m = std::max(m, std::abs(b.species[q].u[c]));
    }
    if (m > 1e-12) worst = std::max(worst, d / m);
  }
  return worst;
}

/// The healthy state of c's liver model on geometry g by the earlier loop (fields of c's
/// species, the settings of build_fields; the model's guess as its start).
inline HostFields<double> reference_healthy_state(const Config& c, const Geometry& g) {
  const auto& model = dynamic_cast<const LiverFibrosis&>(*c.model_impl);
  HostFields<double> f = build_fields<double>(c, g);
  f.scheme = Scheme::Rkl2;
  f.rkl2.max_halvings = 0;
  f.vessel_value = nullptr;
  LiverParams quiet = model.params();
  quiet.injury_periods = 0;
  quiet.doses = 0;
  const LiverRates<double> rates(quiet);
  auto engine = make_backend<double>(BackendChoice::Cpu);
  engine->set_model(model.steady_kernels(BackendChoice::Cpu));
  const double settle = 2 * 3600, collagen = 2000 * 86400.0;
  double h = settle;
  int accepted = 0;
  for (int it = 0; it < 5000; ++it) {
    const HostFields<double> before = f;
    bool ran_away = false;
    try {
      engine->upload(f);
      engine->step(0.0, h);
      engine->download(f);
    } catch (const NumericalError&) {
      ran_away = true;
    }
    if ((ran_away || reference_change(f, before) > 1e3) && h > 1.0) {
      f = before;
      h *= 0.25;
      continue;
    }
    if (accepted >= 40) {
      const Box& b = f.box;
      for (int k = 0; k < b.nz; ++k)
        for (int j = 0; j < b.ny; ++j)
          for (int i = 0; i < b.nx; ++i) {
            const std::size_t p = b.idx(i, j, k);
            const VoxelRef v{p,
                             i,
                             j,
                             k,
                             f.label[p],
                             f.zone.empty() ? 0.0f : f.zone[p],
                             label_weights<float>(f.label[p])};
            if (!LiverRates<double>::has_cells(v.label)) continue;
            double u[kLiverFields], P[kLiverFields], L[kLiverFields];
            for (int q = 0; q < kLiverFields; ++q) u[q] = f.species[std::size_t(q)].u[p];
            for (int q : {int(kCollagen), int(kCollagenX)}) {
              rates.rates(0.0, v, kLiverFields, u, P, L);
              u[q] = (u[q] + collagen * P[q]) / (1 + collagen * L[q]);
            }
            for (int q = kLiverDiffusing; q < kLiverFields; ++q)
              f.species[std::size_t(q)].u[p] = u[q];
          }
    }
    const double change = reference_change(f, before);
    ++accepted;
    if (change < 1e-6 && h == settle) break;
    h = std::min(settle, 2 * h);
  }
  return f;
}

}  // namespace lobule::test

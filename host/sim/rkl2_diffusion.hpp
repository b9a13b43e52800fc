/// D̃(dt) by Runge–Kutta–Legendre super time stepping (kernels/rkl2.hpp), with the step halved
/// where it undershoots (docs/time-integration.md).
#pragma once
#include <fmt/format.h>

#include <cmath>
#include <utility>

#include "diffusion_integrator.hpp"
#include "host/errors.hpp"

namespace lobule {

template <class T, class Exec>
class Rkl2Diffusion final : public DiffusionIntegrator<T, Exec> {
 public:
  using Task = DiffusionTask<T, Exec>;
  using Array = typename Exec::template Array<T>;

  // Accepts the attempt unless it clips more than max_undershoot of the species' mass; then two
  // half steps (see Rkl2Control), with the same frozen rates. The decision comes from reductions
  // over the whole domain, so that ranks of a decomposed run would agree.
  double step(const Task& k, double t, double dt) override { return halving(k, t, dt, 0); }

 private:
  double halving(const Task& k, double t, double dt, int halvings) {
    Array* result = nullptr;
    const double clipped = attempt(k, t, dt, result);
    // The attempt leaves u untouched, so the mass is summed only when something was clipped.
    const auto too_much = [&] {
      const double mass = Exec::interior_sum(k.box, k.u->data());
      return clipped > k.control.max_undershoot * std::abs(mass);
    };
    if (clipped > 0 && halvings < k.control.max_halvings && too_much())
      return halving(k, t, 0.5 * dt, halvings + 1) +
             halving(k, t + 0.5 * dt, 0.5 * dt, halvings + 1);
    std::swap(*k.u, *result);
    return clipped;
  }

  // One RKL2 step, leaving u untouched: scratch 0 = M(Y0); scratch 1 and 2 alternate as the
  // increments Z_{j−1}, Z_{j−2} (Z_j overwrites Z_{j−2} in place from stage 3 on; their halos
  // take homogeneous boundary values); the last stage writes Y0 + Z_s. Held voxels take their
  // values at t + dt/2 in the stages and at t + dt in the last. Returns the amount the last stage
  // clipped [conc·voxel]; `result` points at the scratch array holding the new u.
  double attempt(const Task& k, double t, double dt, Array*& result) {
    const SpeciesSettings<T>& m = *k.species;
    const int stages = rkl2_stage_count(dt, k.d_max, k.grid_ih2, k.l_max);
    // A step that needs more stages than this costs more than that many explicit steps: the
    // frozen loss rate has run away (a field blew up) or dt is absurd for the grid. Stop with a
    // message instead of grinding (stage counts grow as the square root of dt·rate).
    constexpr int kMaxStages = 100000;
    if (stages > kMaxStages)
      throw NumericalError(fmt::format(
          "species '{}': one RKL2 step of {} s would need {} stages (largest frozen loss rate "
          "{:.3g} 1/s, largest D {:.3g} um^2/s): a field has run away or dt is far too long for "
          "this grid; use a shorter time.dt or time.scheme implicit (lobule check shows the "
          "stages per species)",
          m.name, dt, stages, k.l_max, k.d_max));
    Rkl2Context<T> mid = k.context;
    mid.held = k.held_at(t + 0.5 * dt);
    Rkl2Context<T> end = mid;
    end.held = k.held_at(t + dt);
    Array* const* s = k.scratch;
    // Each launch fills the halo of its input as it goes: u with the species' boundary
    // conditions, the increments with their homogeneous form.
    const BoundarySet<T> zero_bc = homogeneous(m.bc);
    Exec::rkl2_first(k.box, mid, k.u->data(), k.D, s[0]->data(), s[1]->data(),
                     T(rkl2_first_factor(stages, dt)), &m.bc);
    Array* prev = s[1];
    Array* prev2 = prev;  // Z_0 = 0: stage 2 has ν = 0 (rkl2_stage) and ignores it
    double clipped = 0;
    for (int j = 2; j <= stages; ++j) {
      Array* out = j == 2 ? s[2] : prev2;
      clipped = Exec::rkl2_stage(k.box, j == stages ? end : mid, prev->data(), prev2->data(),
                                 k.u->data(), s[0]->data(), k.D, out->data(),
                                 rkl2_stage<T>(j, stages, dt), j == stages, &zero_bc);
      prev2 = prev;
      prev = out;
    }
    result = prev;
    return clipped;
  }
};

}  // namespace lobule

// The CPU (OpenMP) backend: the reference every other backend is tested against.
#include "backend_cpu.hpp"

#include <algorithm>

#include "kernels/cpu/diffusion_cpu.hpp"
#include "kernels/cpu/lod_cpu.hpp"
#include "kernels/linear_decay.hpp"

namespace lobule {

template <class T>
void CpuBackend<T>::upload(const HostFields<T>& f) {
  f_ = f;
  for (auto* v : {&a_, &b_, &c_}) v->clear();
  ensure_scratch(f_.scheme == Scheme::Explicit ? 1 : 3);
  d_max_.clear();
  clipped_.assign(f_.species.size(), 0.0);
  for (auto& sp : f_.species) {
    const T d_field = sp.D.empty() ? T(0) : *std::max_element(sp.D.begin(), sp.D.end());
    d_max_.push_back(sp.driver.empty() ? d_field : sp.d_free);
    cpu::fill_halo(f_.box, sp.bc, HaloOf::Diffusivity, sp.D.data());
  }
  update_diffusivities();
}

template <class T>
void CpuBackend<T>::ensure_scratch(int n) {
  std::vector<T>* v[3] = {&a_, &b_, &c_};
  for (int q = 0; q < n; ++q)
    if (v[q]->size() != f_.box.padded()) v[q]->assign(f_.box.padded(), T(0));
}

template <class T>
void CpuBackend<T>::download(HostFields<T>& f) {
  for (std::size_t s = 0; s < f_.species.size(); ++s) f.species[s].u = f_.species[s].u;
}

template <class T>
std::vector<double> CpuBackend<T>::clipped_mass() {
  std::vector<double> m = clipped_;
  for (double& x : m) x *= voxel_volume(f_);
  return m;
}

template <class T>
std::vector<T*> CpuBackend<T>::field_pointers() {
  std::vector<T*> u;
  for (auto& sp : f_.species) u.push_back(sp.u.data());
  return u;
}

// D = D_free/(1 + C/C_half) for species with a driver, then the D halo.
template <class T>
void CpuBackend<T>::update_diffusivities() {
  for (auto& sp : f_.species) {
    if (sp.driver.empty()) continue;
    DiffusivityDriverView<T> d;
    d.n = int(std::min<std::size_t>(sp.driver.size(), 4));
    for (int q = 0; q < d.n; ++q) d.field[q] = f_.species[std::size_t(sp.driver[q])].u.data();
    d.d_free = sp.d_free;
    d.inv_c_half = T(1) / sp.c_half;
    cpu::update_diffusivity(f_.box, f_.label.data(), d, sp.D.data());
    cpu::fill_halo(f_.box, sp.bc, HaloOf::Diffusivity, sp.D.data());
  }
}

template <class T>
void CpuBackend<T>::explicit_step(double t, double dt) {
  ensure_scratch(1);
  update_diffusivities();
  const std::size_t ns = f_.species.size();
  std::vector<VesselTable<T>> held;
  for (std::size_t s = 0; s < ns; ++s) held.push_back(vessel_table(f_, s, t + dt));
  if (reaction_) {  // rates of the coupled model from the old state, then the Euler update
    rates_.resize(ns);
    std::vector<T*> rate;
    for (auto& r : rates_) {
      r.resize(f_.box.padded());
      rate.push_back(r.data());
    }
    reaction_->rates(f_.box, f_.label.data(), field_pointers(), held, T(t), rate);
  }
  for (std::size_t s = 0; s < ns; ++s) {
    auto& sp = f_.species[s];
    cpu::fill_halo(f_.box, sp.bc, HaloOf::Concentration, sp.u.data());
    if (reaction_)
      cpu::explicit_step_rate(f_.box, f_.ih2, sp.u.data(), sp.D.data(), f_.label.data(), held[s],
                              rates_[s].data(), a_.data(), T(dt));
    else
      cpu::explicit_step(f_.box, f_.ih2, sp.u.data(), sp.D.data(), f_.label.data(), held[s],
                         a_.data(), T(dt), sp.decay, sp.source);
    sp.u.swap(a_);
  }
}

template <class T>
void CpuBackend<T>::react(double t, double dt) {
  const std::size_t ns = f_.species.size();
  std::vector<VesselTable<T>> held;
  for (std::size_t s = 0; s < ns; ++s) held.push_back(vessel_table(f_, s, t + dt));
  if (reaction_) {
    reaction_->step(f_.box, f_.label.data(), field_pointers(), held, T(t), T(dt), f_.reaction);
    return;
  }
  for (std::size_t s = 0; s < ns; ++s) {  // uncoupled: one field at a time
    auto& sp = f_.species[s];
    if (sp.decay == T(0) && sp.source == T(0) && !held[s].any()) continue;
    ReactionFields<T, 1> one;
    one.u[0] = sp.u.data();
    one.vessel[0] = held[s];
    one.n = 1;
    cpu::react(f_.box, f_.label.data(), one, LinearDecay<T>{sp.decay, sp.source}, T(t), T(dt),
               f_.reaction);
  }
}

template <class T>
void CpuBackend<T>::diffuse(double t, double dt) {
  ensure_scratch(3);
  update_diffusivities();
  for (std::size_t s = 0; s < f_.species.size(); ++s) {
    if (!(d_max_[s] > T(0))) continue;
    if (f_.scheme == Scheme::Lod)
      lod(s, t, dt);
    else
      rkl2(s, t, dt, 0);
  }
}

// One RKL2 step of species s with s stages on the shared scratch, leaving u untouched: a = M(Y0);
// b, c alternate as the increments Z_{j−1}, Z_{j−2} (Z_j overwrites Z_{j−2} in place from stage
// 3 on; their halos take homogeneous boundary values); the last stage writes Y0 + Z_s. Held
// voxels take their values at t + dt/2 in the stages and at t + dt in the last. Returns the
// amount the last stage clipped; `result` points at the scratch vector holding the new u.
template <class T>
double CpuBackend<T>::rkl2_attempt(std::size_t s, double t, double dt, std::vector<T>*& result) {
  auto& sp = f_.species[s];
  const Box& bx = f_.box;
  const int stages = rkl2_stage_count(dt, double(d_max_[s]), f_.ih2);
  const VesselTable<T> mid = vessel_table(f_, s, t + 0.5 * dt);
  const VesselTable<T> end = vessel_table(f_, s, t + dt);
  const std::uint8_t* label = f_.label.data();
  cpu::fill_halo(bx, sp.bc, HaloOf::Concentration, sp.u.data());
  cpu::rkl2_first(bx, f_.ih2, sp.u.data(), sp.D.data(), label, mid, a_.data(), b_.data(),
                  T(rkl2_first_factor(stages, dt)));
  std::vector<T>* prev = &b_;
  std::vector<T>* prev2 = prev;  // Z_0 = 0: stage 2 has ν = 0 (rkl2_stage) and ignores it
  double clipped = 0;
  for (int j = 2; j <= stages; ++j) {
    std::vector<T>* out = j == 2 ? &c_ : prev2;
    cpu::fill_halo(bx, homogeneous(sp.bc), HaloOf::Concentration, prev->data());
    clipped = cpu::rkl2_stage(bx, f_.ih2, prev->data(), prev2->data(), sp.u.data(), a_.data(),
                              sp.D.data(), label, j == stages ? end : mid, out->data(),
                              rkl2_stage<T>(j, stages, dt), j == stages);
    prev2 = prev;
    prev = out;
  }
  result = prev;
  return clipped;
}

// Accepts the attempt unless it clips more than max_undershoot of the species' mass; then two
// half steps (see Rkl2Control).
template <class T>
void CpuBackend<T>::rkl2(std::size_t s, double t, double dt, int halvings) {
  std::vector<T>* result = nullptr;
  const double clipped = rkl2_attempt(s, t, dt, result);
  const double mass = cpu::interior_sum(f_.box, f_.species[s].u.data());
  if (clipped > f_.rkl2.max_undershoot * std::abs(mass) && halvings < f_.rkl2.max_halvings) {
    rkl2(s, t, 0.5 * dt, halvings + 1);
    rkl2(s, t + 0.5 * dt, 0.5 * dt, halvings + 1);
    return;
  }
  f_.species[s].u.swap(*result);
  clipped_[s] += clipped;
}

template <class T>
void CpuBackend<T>::lod(std::size_t s, double t, double dt) {
  auto& sp = f_.species[s];
  const VesselTable<T> end = vessel_table(f_, s, t + dt);
  const T ih2[3] = {f_.ih2.x, f_.ih2.y, f_.ih2.z};
  for (int axis = 0; axis < 3; ++axis)
    cpu::lod_sweep(f_.box, axis, T(dt) * ih2[axis], line_ends(sp.bc, axis), end, sp.u.data(),
                   sp.D.data(), f_.label.data(), a_.data(), b_.data(), c_.data());
}

template class CpuBackend<float>;
template class CpuBackend<double>;

}  // namespace lobule

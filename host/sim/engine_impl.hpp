// The engine's definitions, included once per execution space (engine_cpu.cpp,
// engine_cuda.cpp). Everything here is written once: the backends differ only in Exec.
#pragma once
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "engine.hpp"
#include "host/errors.hpp"
#include "implicit_diffusion.hpp"
#include "kernels/cpu/omp_grain.hpp"
#include "rkl2_diffusion.hpp"

namespace lobule {

// What the upload needs of a species' fixed D array, from one parallel pass (a 512³ grid's eight
// serial scans took seconds of its start): the largest D, and the one value of D in the tissue
// when D is that value in every tissue voxel and 0 in every other (a constant-coefficient
// species; else 0).
template <class T>
struct DiffusivityScan {
  T max = T(0);
  T uniform = T(0);
};

template <class T>
DiffusivityScan<T> scan_diffusivity(const HostFields<T>& f, const SpeciesField<T>& sp) {
  DiffusivityScan<T> r;
  const std::size_t n = sp.D.size();
  if (n == 0) return r;
  struct Part {
    T max = std::numeric_limits<T>::lowest();
    T d = T(0);
    bool seen = false;   // a tissue voxel met: d is its D
    bool mixed = false;  // D is not one value in the tissue and 0 elsewhere
  };
  const int parts = std::max(1, omp_get_max_threads());
  std::vector<Part> part(std::size_t(parts), Part{});
  const bool labelled = n == f.label.size();
  cpu::for_chunks(n, [&](std::size_t begin, std::size_t end) {
    Part p;
    for (std::size_t c = begin; c < end; ++c) {
      p.max = std::max(p.max, sp.D[c]);
      if (!labelled || p.mixed) continue;
      if (!is_tissue(f.label[c]))
        p.mixed = sp.D[c] != T(0);
      else if (!p.seen)
        p.d = sp.D[c], p.seen = true;
      else
        p.mixed = sp.D[c] != p.d;
    }
    part[std::size_t(omp_get_thread_num()) % part.size()] = p;
  });
  bool uniform = labelled, seen = false;
  T d = T(0);
  r.max = std::numeric_limits<T>::lowest();
  for (const Part& p : part) {
    r.max = std::max(r.max, p.max);
    if (p.mixed || (p.seen && seen && p.d != d)) uniform = false;
    if (p.seen && !seen) d = p.d, seen = true;
  }
  r.uniform = uniform && d > T(0) ? d : T(0);
  return r;
}

template <class T, class Exec>
void Engine<T, Exec>::upload(const HostFields<T>& f) {
  meta_ = settings_of(f);
  species_.clear();
  hindrance_.clear();
  const std::size_t n = f.box.padded();
  for (std::size_t s = 0; s < f.species.size(); ++s) {
    const SpeciesField<T>& sp = f.species[s];
    Species d;
    d.u = Array(n);
    d.u.upload(sp.u.data());
    const DiffusivityScan<T> scan = scan_diffusivity(f, sp);
    d.d_max = sp.driver.empty() ? scan.max : sp.d_free;
    if (d.d_max > T(0) && sp.driver.empty()) {
      d.D = Array(n);
      if (sp.D.size() == n) d.D.upload(sp.D.data());
      d.d_uniform = scan.uniform;
      Exec::fill_halo(f.box, sp.bc, HaloOf::Diffusivity, d.D.data());
      if (d.d_uniform > T(0)) d.open_rows = Exec::open_rows(f.box, d.D.data());
    } else if (d.d_max > T(0)) {  // scar-hindered: share the hindrance of its driver and C_half
      std::size_t h = 0;
      while (h < hindrance_.size() &&
             !(hindrance_[h].driver == sp.driver && hindrance_[h].c_half == sp.c_half))
        ++h;
      if (h == hindrance_.size()) hindrance_.push_back({Array(n), sp.driver, sp.c_half, s, {}});
      d.hind = int(h);
    }
    // CPU: the held voxels as a list (fixed: which labels a species holds never changes).
    if (Exec::kHostMemory && sp.vessels.any() && f.box.padded() < (std::size_t(1) << 32))
      for (int k = 0; k < f.box.nz; ++k)
        for (int j = 0; j < f.box.ny; ++j)
          for (int i = 0; i < f.box.nx; ++i) {
            const std::size_t c = f.box.idx(i, j, k);
            if (sp.vessels.holds(f.label[c])) d.held_voxels.push_back(std::uint32_t(c));
          }
    species_.push_back(std::move(d));
  }
  label_ = typename Exec::template Array<std::uint8_t>(n);
  label_.upload(f.label.data());
  zone_ = typename Exec::template Array<float>(f.zone.size() == n ? n : 0);
  if (f.zone.size() == n) zone_.upload(f.zone.data());
  tissue_ = typename Exec::template Array<float>(f.tissue.size() == 3 * n ? 3 * n : 0);
  if (tissue_.size() > 0) tissue_.upload(f.tissue.data());
  for (auto& a : scratch_) {
    a = Array(n);
    // Defined halos for the buffers that get swapped into a species.
    if (!species_.empty()) Exec::copy(a.data(), species_[0].u.data(), n);
  }
  rate_.clear();
  clipped_.assign(f.species.size(), 0.0);
  lowest_ = Array(f.species.size());
  const std::vector<T> zeros(f.species.size(), T(0));
  if (!zeros.empty()) lowest_.upload(zeros.data());
  update_diffusivities();
  if (meta_.scheme == Scheme::Implicit)
    diffusion_ = std::make_unique<ImplicitDiffusion<T, Exec>>(meta_.implicit, species_.size());
  else
    diffusion_ = std::make_unique<Rkl2Diffusion<T, Exec>>();
  Exec::synchronize();
}

template <class T, class Exec>
void Engine<T, Exec>::upload_field(std::size_t s, const T* u) {
  Exec::synchronize();
  species_[s].u.upload(u);
}

template <class T, class Exec>
void Engine<T, Exec>::download(HostFields<T>& f) {
  Exec::synchronize();
  for (std::size_t s = 0; s < species_.size(); ++s) species_[s].u.download(f.species[s].u.data());
}

template <class T, class Exec>
std::vector<double> Engine<T, Exec>::clipped_mass() {
  std::vector<double> m = clipped_;
  for (double& x : m) x *= voxel_volume(meta_);
  return m;
}

template <class T, class Exec>
std::vector<double> Engine<T, Exec>::explicit_lowest() {
  std::vector<T> low(lowest_.size());
  if (!low.empty()) lowest_.download(low.data());
  return std::vector<double>(low.begin(), low.end());
}

template <class T, class Exec>
void Engine<T, Exec>::set_pace(const std::vector<double>& pace) {
  pace_ = pace;
}

template <class T, class Exec>
typename Engine<T, Exec>::Array& Engine<T, Exec>::slot(std::size_t k, std::size_t s) {
  if (k == Backend<T>::kFields) return species_[s].u;
  if (slots_.size() <= k) slots_.resize(k + 1);
  auto& v = slots_[k];
  if (v.size() != species_.size()) v.resize(species_.size());
  if (v[s].size() != species_[s].u.size()) {
    v[s] = Array(species_[s].u.size());
    Exec::copy(v[s].data(), species_[s].u.data(), v[s].size());  // defined halo and outside
  }
  return v[s];
}

template <class T, class Exec>
void Engine<T, Exec>::combine_slots(std::size_t out, const std::vector<SlotTerm>& terms) {
  if (terms.empty()) return;
  const T* none = nullptr;
  for (std::size_t s = 0; s < species_.size(); ++s) {
    T* o = slot(out, s).data();
    Exec::combine(meta_.box, T(terms[0].weight), slot(terms[0].slot, s).data(), T(0), none, o);
    for (std::size_t q = 1; q < terms.size(); ++q)
      Exec::combine(meta_.box, T(1), o, T(terms[q].weight), slot(terms[q].slot, s).data(), o);
  }
}

template <class T, class Exec>
double Engine<T, Exec>::slot_dot(std::size_t a, std::size_t b, const std::vector<double>& w) {
  double sum = 0;
  for (std::size_t s = 0; s < species_.size(); ++s)
    if (s < w.size() && w[s] != 0)
      sum += w[s] * Exec::mg_dot(meta_.box, slot(a, s).data(), slot(b, s).data());
  return sum;
}

template <class T, class Exec>
std::vector<double> Engine<T, Exec>::slot_changes(std::size_t a, std::size_t b,
                                                  const std::vector<double>& floor) {
  std::vector<double> change(species_.size(), 0.0);
  for (std::size_t s = 0; s < species_.size(); ++s) {
    const double d = Exec::max_abs_difference(meta_.box, slot(a, s).data(), slot(b, s).data());
    const double m = std::max(Exec::interior_max(meta_.box, slot(b, s).data()),
                              s < floor.size() ? floor[s] : 0.0);
    change[s] = !std::isfinite(d) ? HUGE_VAL : m > 1e-12 ? d / m : 0.0;
  }
  return change;
}

template <class T, class Exec>
std::vector<double> Engine<T, Exec>::slot_max(std::size_t a) {
  std::vector<double> m(species_.size());
  for (std::size_t s = 0; s < species_.size(); ++s)
    m[s] = Exec::interior_max(meta_.box, slot(a, s).data());
  return m;
}

template <class T, class Exec>
void Engine<T, Exec>::clip_fields() {
  for (auto& sp : species_) Exec::clip_negative(meta_.box, sp.u.data());
}

template <class T, class Exec>
std::vector<SolverTally> Engine<T, Exec>::solver_tally() {
  std::vector<SolverTally> t(species_.size());
  if (diffusion_)
    for (std::size_t s = 0; s < t.size(); ++s) t[s] = diffusion_->take_tally(s);
  return t;
}

template <class T, class Exec>
std::size_t Engine<T, Exec>::state_bytes() const {
  std::size_t words = lowest_.size();
  for (const Species& sp : species_) words += sp.u.size() + sp.D.size() + sp.p.size() + sp.l.size();
  for (const Hindrance& h : hindrance_)
    words += h.H.size() + h.face[0].size() + h.face[1].size() + h.face[2].size();
  for (const Array& a : scratch_) words += a.size();
  for (const Array& a : rate_) words += a.size();
  for (const auto& v : slots_)
    for (const Array& a : v) words += a.size();
  return words * sizeof(T) + label_.size() + (zone_.size() + tissue_.size()) * sizeof(float) +
         (diffusion_ ? diffusion_->bytes() : 0);
}

template <class T, class Exec>
void Engine<T, Exec>::set_model(std::shared_ptr<const ModelKernels<T>> kernels) {
  if (kernels && kernels->host_memory() != Exec::kHostMemory)
    throw std::invalid_argument(std::string("model kernels for the other execution space given to "
                                            "the ") +
                                Exec::kName + " engine");
  model_ = std::move(kernels);
}

template <class T, class Exec>
std::vector<T*> Engine<T, Exec>::field_pointers() {
  std::vector<T*> u;
  for (auto& sp : species_) u.push_back(sp.u.data());
  return u;
}

// The vessel values of species s at time t, with the list of its held voxels where the engine
// keeps one (CPU).
template <class T, class Exec>
VesselTable<T> Engine<T, Exec>::held_at(std::size_t s, double t) const {
  VesselTable<T> v = vessel_table(meta_, s, t);
  const auto& list = species_[s].held_voxels;
  if (!list.empty()) v.voxels = list.data(), v.voxel_count = std::uint32_t(list.size());
  return v;
}

template <class T, class Exec>
StencilHint<T> Engine<T, Exec>::hint(std::size_t s) {
  const Species& sp = species_[s];
  StencilHint<T> h;
  h.d = sp.d_uniform;
  h.open_rows = sp.open_rows.empty() ? nullptr : sp.open_rows.data();
  if (sp.hind >= 0)
    for (int a = 0; a < 3; ++a) {
      Array& f = hindrance_[std::size_t(sp.hind)].face[a];
      h.face[a] = f.size() > 0 ? f.data() : nullptr;
    }
  return h;
}

template <class T, class Exec>
std::vector<VesselTable<T>> Engine<T, Exec>::vessel_tables(double t) const {
  std::vector<VesselTable<T>> held;
  for (std::size_t s = 0; s < species_.size(); ++s) held.push_back(held_at(s, t));
  return held;
}

// H = 1/(1 + C/C_half) of every hindrance (C the sum of its driver fields; 0 outside the
// tissue), then its halo (copied, so that a face's D is the interior voxel's own).
template <class T, class Exec>
void Engine<T, Exec>::update_diffusivities() {
  for (Hindrance& h : hindrance_) {
    DiffusivityDriverView<T> d;
    d.n = int(std::min<std::size_t>(h.driver.size(), 4));
    for (int q = 0; q < d.n; ++q) d.field[q] = species_[std::size_t(h.driver[q])].u.data();
    d.d_free = T(1);
    d.inv_c_half = T(1) / h.c_half;
    Exec::update_diffusivity(meta_.box, label_.data(), d, h.H.data());
    Exec::fill_halo(meta_.box, meta_.species[h.first].bc, HaloOf::Diffusivity, h.H.data());
    // CPU: the faces once per step, not 6 harmonic means per voxel in each of many stages.
    if constexpr (Exec::kHostMemory) {
      for (Array& f : h.face)
        if (f.size() != h.H.size()) f = Array(h.H.size());
      Exec::face_diffusivities(meta_.box, h.H.data(), h.face[0].data(), h.face[1].data(),
                               h.face[2].data());
    }
  }
}

// u⁺ = u + dt·(∇·(D∇u) + P(u) − L(u)·u) for every species, all rates from the old state.
template <class T, class Exec>
void Engine<T, Exec>::explicit_step(double t, double dt) {
  update_diffusivities();
  const std::size_t ns = species_.size();
  const auto held = vessel_tables(t + dt);
  if (coupled()) {
    rate_.resize(ns);
    for (std::size_t s = 0; s < ns; ++s) {
      Array& r = rate_[s];
      if (r.size() == meta_.box.padded()) continue;
      r = Array(meta_.box.padded());
      // Defined halos: in a fused step this array becomes the species' state.
      Exec::copy(r.data(), species_[s].u.data(), r.size());
    }
    if (fused_explicit_step(t, dt, held)) return;
    std::vector<T*> rate;
    for (Array& r : rate_) rate.push_back(r.data());
    model_->rates(meta_.box, voxel_map(), field_pointers(), held, T(t), rate);
  }
  for (std::size_t s = 0; s < ns; ++s) {
    auto& sp = species_[s];
    const SpeciesField<T>& m = meta_.species[s];
    // A local field has no D (nullptr: no diffusion term) and needs no halo; the step fills the
    // halo of a diffusing one as it goes.
    const T* D = diffuses(s) ? diffusivity(s) : nullptr;
    const BoundarySet<T>* fill = diffuses(s) ? &m.bc : nullptr;
    if (coupled())
      Exec::explicit_step_rate(meta_.box, ih2_of(s), sp.u.data(), D, label_.data(), held[s],
                               rate_[s].data(), scratch_[0].data(), T(dt), hint(s), fill,
                               lowest_.data() + s);
    else
      // The diffusion–decay step keeps u ≥ 0 by construction (its dt is within the positivity
      // limit 1/(2·D·Σ1/h² + λ), which the config enforces): nothing to record.
      Exec::explicit_step(meta_.box, ih2_of(s), sp.u.data(), D, label_.data(), held[s],
                          scratch_[0].data(), T(dt), m.decay, m.source, hint(s), fill,
                          static_cast<T*>(nullptr));
    std::swap(sp.u, scratch_[0]);
  }
}

// The explicit step of a coupled model fused into one pass (ModelKernels::explicit_step), where
// the model's kernels have one: each species writes its new state into its rate_ array, which
// then swaps with its state. False when they have none.
template <class T, class Exec>
bool Engine<T, Exec>::fused_explicit_step(double t, double dt,
                                          const std::vector<VesselTable<T>>& held) {
  FusedExplicit<T> x;
  x.box = meta_.box;
  x.map = voxel_map();
  x.t = T(t);
  x.dt = T(dt);
  for (std::size_t s = 0; s < species_.size(); ++s) {
    FusedSpecies<T> f;
    f.u = species_[s].u.data();
    f.out = rate_[s].data();
    if (diffuses(s)) {
      f.D = diffusivity(s);
      f.fill = &meta_.species[s].bc;
    }
    f.ih2 = ih2_of(s);
    f.hint = hint(s);
    f.held = held[s];
    f.lowest = lowest_.data() + s;
    x.species.push_back(f);
  }
  if (!model_->explicit_step(x)) return false;
  for (std::size_t s = 0; s < species_.size(); ++s) std::swap(species_[s].u, rate_[s]);
  return true;
}

// Balanced Strang splitting (docs/time-integration.md): with p = P(u_n), ℓ = L(u_n) frozen,
//   F(u) = [∇·(D∇u) + p − ℓ·u] + [P(u) − p − (L(u) − ℓ)·u] = D̃(u) + R̃(u),
// stepped as R̃(dt/2)·D̃(dt)·R̃(dt/2). A steady state F(u*) = 0 of the full equation makes both
// parts vanish at u*, so it is a fixed point of the step for any dt.
template <class T, class Exec>
void Engine<T, Exec>::step(double t, double dt) {
  if (meta_.scheme == Scheme::Explicit) {
    explicit_step(t, dt);
    return;
  }
  freeze_rates(t);
  react_remainder(t, 0.5 * dt, true);
  diffuse_frozen(t, dt);
  react_remainder(t + 0.5 * dt, 0.5 * dt, false);
}

template <class T, class Exec>
void Engine<T, Exec>::diffuse(double t, double dt) {
  freeze_rates(t);
  diffuse_frozen(t, dt);
}

// p and ℓ of every diffusing species at (t, u): constants for the diffusion–decay model, arrays
// from the coupled model's rates otherwise; and the largest ℓ, for the RKL2 stage count.
template <class T, class Exec>
void Engine<T, Exec>::freeze_rates(double t) {
  for (std::size_t s = 0; s < species_.size(); ++s)
    species_[s].l_max = coupled() ? 0.0 : double(meta_.species[s].decay);
  if (!coupled()) return;
  const std::size_t n = meta_.box.padded();
  std::vector<T*> p(species_.size(), nullptr), l(species_.size(), nullptr);
  for (std::size_t s = 0; s < species_.size(); ++s) {
    auto& sp = species_[s];
    if (!diffuses(s)) continue;
    if (sp.p.size() != n) sp.p = Array(n), sp.l = Array(n);
    p[s] = sp.p.data();
    l[s] = sp.l.data();
  }
  model_->freeze(meta_.box, voxel_map(), field_pointers(), vessel_tables(t), T(t), p, l);
  for (std::size_t s = 0; s < species_.size(); ++s)
    if (l[s] != nullptr) species_[s].l_max = Exec::interior_max(meta_.box, l[s]);
}

template <class T, class Exec>
FrozenRates<T> Engine<T, Exec>::frozen(std::size_t s) const {
  FrozenRates<T> fr;
  if (coupled()) {
    fr.p = species_[s].p.data();
    fr.l = species_[s].l.data();
  } else {
    fr.p0 = meta_.species[s].source;
    fr.l0 = meta_.species[s].decay;
  }
  return fr;
}

// R̃(dt) from t: the coupled model less the frozen rates of its diffusing species; for the
// diffusion–decay model nothing is left of a diffusing species (its rates are constant), and a
// species that does not diffuse reacts here whole. Before the diffusion sub-step (`before`),
// the vessels of a diffusing species move to their values at t + dt (its middle) when they
// change in time; after it they need nothing: RKL2's last stage holds the end values.
template <class T, class Exec>
void Engine<T, Exec>::react_remainder(double t, double dt, bool before) {
  const auto held = vessel_tables(t + dt);
  if (coupled()) {
    std::vector<FrozenRates<T>> fr(species_.size());
    for (std::size_t s = 0; s < species_.size(); ++s) {
      if (diffuses(s)) fr[s] = frozen(s);
      if (s < pace_.size()) fr[s].pace = T(pace_[s]);
    }
    model_->react(meta_.box, voxel_map(), field_pointers(), held, T(t), T(dt), meta_.reaction, fr);
    return;
  }
  for (std::size_t s = 0; s < species_.size(); ++s) {
    const SpeciesField<T>& m = meta_.species[s];
    if (diffuses(s) && !(before && meta_.vessel_value && held[s].any())) continue;
    const LinearDecay<T> rest = diffuses(s) ? LinearDecay<T>{} : LinearDecay<T>{m.decay, m.source};
    if (rest.decay == T(0) && rest.source == T(0) && !held[s].any()) continue;
    ReactionFields<T, 1> one;
    one.u[0] = species_[s].u.data();
    one.vessel[0] = held[s];
    one.n = 1;
    Exec::react_linear(meta_.box, voxel_map(), one, rest, T(t), T(dt), meta_.reaction);
  }
}

template <class T, class Exec>
void Engine<T, Exec>::diffuse_frozen(double t, double dt) {
  update_diffusivities();
  for (std::size_t s = 0; s < species_.size(); ++s)
    if (diffuses(s)) clipped_[s] += diffusion_->step(task(s), t, dt);
}

template <class T, class Exec>
DiffusionTask<T, Exec> Engine<T, Exec>::task(std::size_t s) {
  DiffusionTask<T, Exec> k;
  k.index = s;
  k.species = &meta_.species[s];
  k.u = &species_[s].u;
  for (int q = 0; q < 3; ++q) k.scratch[q] = &scratch_[q];
  k.box = meta_.box;
  k.context = {meta_.box.sy(),   meta_.box.sz(), ih2_of(s), label_.data(),
               VesselTable<T>{}, frozen(s),      hint(s)};
  k.D = diffusivity(s);
  k.grid_ih2 = meta_.ih2;
  k.d_max = double(species_[s].d_max);
  k.l_max = species_[s].l_max;
  k.held_at = [this, s](double t) { return held_at(s, t); };
  k.control = meta_.rkl2;
  return k;
}

}  // namespace lobule

// The CUDA backend (compiled only when nvcc is found). It mirrors CpuBackend step by step;
// the CPU backend is its test oracle.
#include "backend_cuda.hpp"

#include <algorithm>
#include <cmath>

#include "kernels/cuda/diffusion_cuda.hpp"
#include "kernels/cuda/lod_cuda.hpp"
#include "kernels/cuda/reaction_cuda.hpp"

namespace lobule {
namespace {

// Labels of the x↔y transposed box, for the LOD sweep along x.
std::vector<std::uint8_t> transposed_labels(const Box& b, const std::vector<std::uint8_t>& l) {
  const Box bt = cuda::transposed_xy(b);
  std::vector<std::uint8_t> out(l.size(), l.empty() ? 0 : l[0]);
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) out[bt.idx(j, i, k)] = l[b.idx(i, j, k)];
  return out;
}

}  // namespace

template <class T>
void CudaBackend<T>::upload(const HostFields<T>& f) {
  meta_.box = f.box;
  meta_.ih2 = f.ih2;
  meta_.scheme = f.scheme;
  meta_.reaction = f.reaction;
  meta_.rkl2 = f.rkl2;
  meta_.vessel_value = f.vessel_value;
  meta_.species.clear();
  species_.clear();
  const std::size_t n = f.box.padded();
  for (const auto& sp : f.species) {
    SpeciesField<T> m = sp;
    m.u.clear();
    m.D.clear();
    meta_.species.push_back(std::move(m));
    const T d_field = sp.D.empty() ? T(0) : *std::max_element(sp.D.begin(), sp.D.end());
    DeviceSpecies d{cuda::DeviceArray<T>(n), cuda::DeviceArray<T>(n),
                    sp.driver.empty() ? d_field : sp.d_free};
    d.u.upload(sp.u.data());
    d.D.upload(sp.D.data());
    cuda::fill_halo(f.box, sp.bc, HaloOf::Diffusivity, d.D.data());
    species_.push_back(std::move(d));
  }
  label_ = cuda::DeviceArray<std::uint8_t>(n);
  label_.upload(f.label.data());
  host_label_ = f.label;
  label_t_ = cuda::DeviceArray<std::uint8_t>();
  for (auto& a : scratch_) a = cuda::DeviceArray<T>();
  // explicit needs one scratch array, rkl2 three, lod five (cp, dp, zp, u_t, D_t).
  ensure_scratch(f.scheme == Scheme::Explicit ? 1 : (f.scheme == Scheme::Lod ? 5 : 3));
  clipped_.assign(f.species.size(), 0.0);
  probe_ = cuda::DeviceArray<double>(2);
  update_diffusivities();
  cuda::synchronize();
}

template <class T>
std::vector<double> CudaBackend<T>::clipped_mass() {
  std::vector<double> m = clipped_;
  for (double& x : m) x *= voxel_volume(meta_);
  return m;
}

template <class T>
void CudaBackend<T>::ensure_scratch(int n) {
  const std::size_t size = meta_.box.padded();
  for (int q = 0; q < n; ++q) {
    if (scratch_[q].size() == size) continue;
    scratch_[q] = cuda::DeviceArray<T>(size);
    // Defined halos for the buffers that get swapped into a species.
    cuda::copy_on_device(scratch_[q].data(), species_[0].u.data(), size * sizeof(T));
  }
  if (n == 5 && label_t_.size() != size) {
    const auto lt = transposed_labels(meta_.box, host_label_);
    label_t_ = cuda::DeviceArray<std::uint8_t>(size);
    label_t_.upload(lt.data());
  }
}

template <class T>
void CudaBackend<T>::download(HostFields<T>& f) {
  cuda::synchronize();
  for (std::size_t s = 0; s < species_.size(); ++s) species_[s].u.download(f.species[s].u.data());
}

template <class T>
void CudaBackend<T>::update_diffusivities() {
  for (std::size_t s = 0; s < species_.size(); ++s) {
    const SpeciesField<T>& m = meta_.species[s];
    if (m.driver.empty()) continue;
    DiffusivityDriverView<T> d;
    d.n = int(std::min<std::size_t>(m.driver.size(), 4));
    for (int q = 0; q < d.n; ++q) d.field[q] = species_[std::size_t(m.driver[q])].u.data();
    d.d_free = m.d_free;
    d.inv_c_half = T(1) / m.c_half;
    cuda::update_diffusivity(meta_.box, label_.data(), d, species_[s].D.data());
    cuda::fill_halo(meta_.box, m.bc, HaloOf::Diffusivity, species_[s].D.data());
  }
}

template <class T>
void CudaBackend<T>::explicit_step(double t, double dt) {
  ensure_scratch(1);
  update_diffusivities();
  for (std::size_t s = 0; s < species_.size(); ++s) {
    auto& d = species_[s];
    const SpeciesField<T>& m = meta_.species[s];
    cuda::fill_halo(meta_.box, m.bc, HaloOf::Concentration, d.u.data());
    cuda::explicit_step(meta_.box, meta_.ih2, d.u.data(), d.D.data(), label_.data(),
                        vessel_table(meta_, s, t + dt), scratch_[0].data(), T(dt), m.decay,
                        m.source);
    std::swap(d.u, scratch_[0]);
  }
}

template <class T>
void CudaBackend<T>::react(double t, double dt) {
  for (std::size_t s = 0; s < species_.size(); ++s) {
    const SpeciesField<T>& m = meta_.species[s];
    const VesselTable<T> held = vessel_table(meta_, s, t + dt);
    if (m.decay == T(0) && m.source == T(0) && !held.any()) continue;
    ReactionFields<T, 1> one;
    one.u[0] = species_[s].u.data();
    one.vessel[0] = held;
    one.n = 1;
    cuda::react_linear_decay(meta_.box, label_.data(), one, LinearDecay<T>{m.decay, m.source}, T(t),
                             T(dt), meta_.reaction);
  }
}

template <class T>
void CudaBackend<T>::diffuse(double t, double dt) {
  ensure_scratch(meta_.scheme == Scheme::Lod ? 5 : 3);
  update_diffusivities();
  for (std::size_t s = 0; s < species_.size(); ++s) {
    if (!(species_[s].d_max > T(0))) continue;
    if (meta_.scheme == Scheme::Lod)
      lod(s, t, dt);
    else
      rkl2(s, t, dt, 0);
  }
}

// Same stage sequence and buffer rotation as CpuBackend::rkl2_attempt; u stays untouched and
// the returned scratch array holds the new u.
template <class T>
cuda::DeviceArray<T>* CudaBackend<T>::rkl2_attempt(std::size_t s, double t, double dt,
                                                   double* clipped) {
  auto& d = species_[s];
  const SpeciesField<T>& m = meta_.species[s];
  const Box& bx = meta_.box;
  const auto& ih2 = meta_.ih2;
  const int stages = rkl2_stage_count(dt, double(d.d_max), ih2);
  const VesselTable<T> mid = vessel_table(meta_, s, t + 0.5 * dt);
  const VesselTable<T> end = vessel_table(meta_, s, t + dt);
  cuda::fill_halo(bx, m.bc, HaloOf::Concentration, d.u.data());
  cuda::rkl2_first(bx, ih2, d.u.data(), d.D.data(), label_.data(), mid, scratch_[0].data(),
                   scratch_[1].data(), T(rkl2_first_factor(stages, dt)));
  cuda::DeviceArray<T>* prev = &scratch_[1];
  cuda::DeviceArray<T>* prev2 = prev;  // Z_0 = 0: stage 2 has ν = 0 (rkl2_stage) and ignores it
  for (int j = 2; j <= stages; ++j) {
    cuda::DeviceArray<T>* out = j == 2 ? &scratch_[2] : prev2;
    cuda::fill_halo(bx, homogeneous(m.bc), HaloOf::Concentration, prev->data());
    cuda::rkl2_stage(bx, ih2, prev->data(), prev2->data(), d.u.data(), scratch_[0].data(),
                     d.D.data(), label_.data(), j == stages ? end : mid, out->data(),
                     rkl2_stage<T>(j, stages, dt), j == stages, clipped);
    prev2 = prev;
    prev = out;
  }
  return prev;
}

// Accepts the attempt unless it clips more than max_undershoot of the species' mass; then two
// half steps (see Rkl2Control). One read-back of two doubles per attempt.
template <class T>
void CudaBackend<T>::rkl2(std::size_t s, double t, double dt, int halvings) {
  double probe[2] = {0.0, 0.0};  // clipped amount, mass at the start [conc·voxel]
  probe_.upload(probe);
  cuda::interior_sum(meta_.box, species_[s].u.data(), probe_.data() + 1);
  cuda::DeviceArray<T>* result = rkl2_attempt(s, t, dt, probe_.data());
  probe_.download(probe);
  if (probe[0] > meta_.rkl2.max_undershoot * std::abs(probe[1]) &&
      halvings < meta_.rkl2.max_halvings) {
    rkl2(s, t, 0.5 * dt, halvings + 1);
    rkl2(s, t + 0.5 * dt, 0.5 * dt, halvings + 1);
    return;
  }
  std::swap(species_[s].u, *result);
  clipped_[s] += probe[0];
}

template <class T>
void CudaBackend<T>::lod(std::size_t s, double t, double dt) {
  auto& d = species_[s];
  const SpeciesField<T>& m = meta_.species[s];
  const VesselTable<T> end = vessel_table(meta_, s, t + dt);
  const Box& bx = meta_.box;
  T* cp = scratch_[0].data();
  T* dp = scratch_[1].data();
  T* zp = scratch_[4].data();
  cuda::lod_sweep_x(bx, T(dt) * meta_.ih2.x, line_ends(m.bc, 0), end, d.u.data(), d.D.data(),
                    label_t_.data(), scratch_[2].data(), scratch_[3].data(), cp, dp, zp);
  cuda::lod_sweep_yz(bx, 1, T(dt) * meta_.ih2.y, line_ends(m.bc, 1), end, d.u.data(), d.D.data(),
                     label_.data(), cp, dp, zp);
  cuda::lod_sweep_yz(bx, 2, T(dt) * meta_.ih2.z, line_ends(m.bc, 2), end, d.u.data(), d.D.data(),
                     label_.data(), cp, dp, zp);
}

template class CudaBackend<float>;
template class CudaBackend<double>;

}  // namespace lobule

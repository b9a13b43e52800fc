// The CPU (OpenMP) backend: the reference every other backend is tested against.
#include "backend_cpu.hpp"

#include "kernels/cpu/diffusion_cpu.hpp"

namespace lobule {

template <class T>
void CpuBackend<T>::upload(const HostFields<T>& f) {
  f_ = f;
  scratch_.resize(f_.species.size());
  for (std::size_t s = 0; s < f_.species.size(); ++s) {
    auto& sp = f_.species[s];
    scratch_[s].assign(sp.u.size(), T(0));
    cpu::fill_halo(f_.box, sp.bc, HaloOf::Diffusivity, sp.D.data());
  }
}

template <class T>
void CpuBackend<T>::download(HostFields<T>& f) {
  for (std::size_t s = 0; s < f_.species.size(); ++s) f.species[s].u = f_.species[s].u;
}

template <class T>
void CpuBackend<T>::step(T dt) {
  for (std::size_t s = 0; s < f_.species.size(); ++s) {
    auto& sp = f_.species[s];
    cpu::fill_halo(f_.box, sp.bc, HaloOf::Concentration, sp.u.data());
    cpu::explicit_step(f_.box, f_.ih2, sp.u.data(), sp.D.data(), scratch_[s].data(), dt, sp.decay,
                       sp.source);
    sp.u.swap(scratch_[s]);
  }
}

template class CpuBackend<float>;
template class CpuBackend<double>;

}  // namespace lobule

// The CUDA backend (compiled only when nvcc is found).
#include "backend_cuda.hpp"

#include "kernels/cuda/diffusion_cuda.hpp"

namespace lobule {

template <class T>
void CudaBackend<T>::upload(const HostFields<T>& f) {
  box_ = f.box;
  ih2_ = f.ih2;
  species_.clear();
  for (const auto& sp : f.species) {
    DeviceSpecies d{cuda::DeviceArray<T>(sp.u.size()),
                    cuda::DeviceArray<T>(sp.u.size()),
                    cuda::DeviceArray<T>(sp.D.size()),
                    sp.decay,
                    sp.source,
                    sp.bc};
    d.u.upload(sp.u.data());
    d.next.upload(sp.u.data());  // keeps the halo of the swapped buffer defined
    d.D.upload(sp.D.data());
    cuda::fill_halo(box_, d.bc, HaloOf::Diffusivity, d.D.data());
    species_.push_back(std::move(d));
  }
  cuda::synchronize();
}

template <class T>
void CudaBackend<T>::download(HostFields<T>& f) {
  cuda::synchronize();
  for (std::size_t s = 0; s < species_.size(); ++s) species_[s].u.download(f.species[s].u.data());
}

template <class T>
void CudaBackend<T>::step(T dt) {
  for (auto& d : species_) {
    cuda::fill_halo(box_, d.bc, HaloOf::Concentration, d.u.data());
    cuda::explicit_step(box_, ih2_, d.u.data(), d.D.data(), d.next.data(), dt, d.decay, d.source);
    std::swap(d.u, d.next);
  }
}

template class CudaBackend<float>;
template class CudaBackend<double>;

}  // namespace lobule

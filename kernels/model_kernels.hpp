/// The per-voxel kernels of a coupled reaction model on one execution space, as the engine calls
/// them. A model writes its rates once (kernels/models/<model>_rates.hpp); CpuModelKernels
/// (kernels/cpu/model_kernels_cpu.hpp) and CudaModelKernels (kernels/cuda/model_kernels_cuda.cuh)
/// run them. Arrays use the padded box layout, in the memory of that execution space.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "balanced_reaction.hpp"
#include "boundary.hpp"
#include "diffusion_stencil.hpp"
#include "frozen_rates.hpp"
#include "grid.hpp"
#include "reaction.hpp"
#include "vessels.hpp"

namespace lobule {

/// One species of a fused explicit step: u⁺ = u + dt·(∇·(D∇u) + P(u) − L(u)·u).
template <class T>
struct FusedSpecies {
  T* u = nullptr;         ///< the old state; its halo is filled by the step (`fill`)
  T* out = nullptr;       ///< the new state (≠ u, and ≠ every other species' u)
  const T* D = nullptr;   ///< diffusivity, halo filled; nullptr: a local field (no diffusion)
  InvH2<T> ih2{};         ///< 1/h² per axis [1/µm²]
  StencilHint<T> hint{};  ///< what the stencil may assume (see StencilHint)
  const BoundarySet<T>* fill = nullptr;  ///< fills u's halo as the step goes (diffusing only)
  VesselTable<T> held{};                 ///< values held at vessel voxels at the end of the step
  T* lowest = nullptr;  ///< becomes min(*lowest, every value written): see explicit_lowest
};

/// A whole explicit step of a coupled model, every species from the same old state.
template <class T>
struct FusedExplicit {
  Box box;
  VoxelMap map;
  std::vector<FusedSpecies<T>> species;
  T t = T(0), dt = T(0);  ///< [s]
};

template <class T>
class ModelKernels {
 public:
  virtual ~ModelKernels() = default;
  /// True when the arrays these kernels take live in host memory (the CPU engine).
  virtual bool host_memory() const = 0;
  /// R(dt) from t on the fields u[0..n); held[q] are the vessel values at t + dt. Fields q with
  /// frozen[q].p set react with those frozen rates taken out (RemainderOf, balanced splitting);
  /// an empty `frozen` reacts with the whole rates.
  virtual void react(const Box& b, const VoxelMap& m, const std::vector<T*>& u,
                     const std::vector<VesselTable<T>>& held, T t, T dt,
                     const ReactionControl<T>& ctl,
                     const std::vector<FrozenRates<T>>& frozen) const = 0;
  /// rate[q] = P_q − L_q·u_q [conc/s] at every voxel (0 where held or outside), for the unsplit
  /// explicit scheme.
  virtual void rates(const Box& b, const VoxelMap& m, const std::vector<T*>& u,
                     const std::vector<VesselTable<T>>& held, T t,
                     const std::vector<T*>& rate) const = 0;
  /// The explicit step of every species in one pass over memory (the rates of a row of voxels,
  /// then each species' update of that row while the row is in the cache): the same values as
  /// `rates` followed by each species' explicit update. False where this execution space has no
  /// fused step (the engine then takes those two).
  virtual bool explicit_step(const FusedExplicit<T>&) const { return false; }
  /// p[q] = P_q and l[q] = L_q at (t, u) for the fields whose p[q] is non-null (0 where held or
  /// outside): the rates a balanced step freezes.
  virtual void freeze(const Box& b, const VoxelMap& m, const std::vector<T*>& u,
                      const std::vector<VesselTable<T>>& held, T t, const std::vector<T*>& p,
                      const std::vector<T*>& l) const = 0;
};

/// The kernels of model R on the GPU; defined in kernels/cuda/model_kernels_cuda.cuh and
/// instantiated by each model's .cu file (LOBULE_CUDA_MODEL_KERNELS). Builds with CUDA only.
template <class T, class R>
std::shared_ptr<const ModelKernels<T>> make_cuda_kernels(const R& r);

/// The fields of one call as the per-voxel kernels take them (at most R's kMaxFields).
template <class T, int N>
ReactionFields<T, N> reaction_view(const std::vector<T*>& u,
                                   const std::vector<VesselTable<T>>& held) {
  ReactionFields<T, N> f;
  f.n = int(u.size() < std::size_t(N) ? u.size() : std::size_t(N));
  for (int q = 0; q < f.n; ++q) {
    f.u[q] = u[std::size_t(q)];
    f.vessel[q] = held[std::size_t(q)];
  }
  return f;
}

/// Up to N array pointers passed by value to a kernel (null where unused).
template <class T, int N>
struct PointerList {
  T* p[N] = {};
};

template <class T, int N>
PointerList<T, N> pointer_list(const std::vector<T*>& v) {
  PointerList<T, N> out;
  for (std::size_t q = 0; q < v.size() && q < std::size_t(N); ++q) out.p[q] = v[q];
  return out;
}

/// R with the frozen rates of fields frozen[q] (those with arrays) taken out, for a reaction
/// sub-step of length dt [s] (which caps the remainder's give-back rate at 1/dt).
template <class T, class R>
RemainderOf<T, R> remainder_of(const R& r, const std::vector<FrozenRates<T>>& frozen, T dt) {
  RemainderOf<T, R> rem{r};
  rem.give_back_max = dt > T(0) ? T(1) / dt : T(0);
  for (std::size_t q = 0; q < frozen.size() && q < std::size_t(R::kMaxFields); ++q)
    rem.frozen[q] = frozen[q];
  return rem;
}

}  // namespace lobule

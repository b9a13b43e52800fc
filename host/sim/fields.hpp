/// Host copy of the solver state: per-species concentrations, diffusivities, coefficients,
/// the voxel labels and the integration settings a backend needs.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "host/config/enums.hpp"
#include "host/config/solver_settings.hpp"
#include "kernels/boundary.hpp"
#include "kernels/grid.hpp"
#include "kernels/reaction.hpp"
#include "kernels/rkl2.hpp"
#include "kernels/vessels.hpp"

namespace lobule {

/// What a species is apart from its arrays: coefficients, boundaries, driver, vessels.
template <class T>
struct SpeciesSettings {
  std::string name;
  T decay = 0;   ///< λ [1/s]
  T source = 0;  ///< s [conc/s]
  BoundarySet<T> bc;
  /// Variable diffusivity: when `driver` names species, D = d_free/(1 + C/c_half) with C the
  /// sum of their concentrations, recomputed before every diffusion step.
  std::vector<int> driver;
  T d_free = 0;  ///< [µm²/s]
  T c_half = 0;  ///< [conc]
  /// Labels whose voxels hold fixed values (interior Dirichlet: vessels).
  VesselTable<T> vessels;
};

/// The allocator of the host field arrays: as std::allocator, except that resize(n) leaves the
/// new elements uninitialized (resize(n, value) and assign still set them). A large grid's arrays
/// are then first touched by the threads that fill them (build_fields), not zeroed by one thread
/// (seconds at 512³ × 8).
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

/// A field array on the host (padded layout).
template <class T>
using HostArray = std::vector<T, UninitializedAllocator<T>>;

/// One species on the padded box layout (interior + halo).
template <class T>
struct SpeciesField : SpeciesSettings<T> {
  HostArray<T> u;  ///< concentration [conc]
  HostArray<T> D;  ///< diffusivity per voxel [µm²/s]; 0 in masked voxels; empty: local field
};

/// Values a model holds in vessel voxels as functions of time: the concentration [conc] of
/// species s in voxels of `label` at tissue time t [s]. Called for the labels in each
/// species' VesselTable mask; without it the table's constant values apply.
using VesselValueFn = std::function<double(std::size_t s, int label, double t)>;

/// What a run's fields live on apart from the species: grid, labels, integration settings.
template <class T>
struct FieldSettings {
  Box box;
  InvH2<T> ih2{};
  std::vector<std::uint8_t> label;  ///< Label per voxel, padded layout, halo kOutside
  std::vector<float> zone;          ///< lobule zone per voxel, padded layout; empty: no zones
  /// Tissue weights (kernels/voxel_class.hpp) from volume fractions: three planes (cell,
  /// sinusoid, tract) of the padded layout; empty: the labels' own.
  std::vector<float> tissue;
  Scheme scheme = Scheme::Explicit;
  ReactionControl<T> reaction;  ///< sub-stepping of the reaction step
  Rkl2Control rkl2;             ///< step halving of rkl2 where it undershoots
  ImplicitControl implicit;     ///< the implicit scheme's method and multigrid solver
  VesselValueFn vessel_value;   ///< optional time dependence of the vessel values
};

/// All species of a run on one box.
template <class T>
struct HostFields : FieldSettings<T> {
  std::vector<SpeciesField<T>> species;
};

/// Everything of f but the species' concentration and diffusivity arrays (what an engine keeps
/// on the host beside the fields it holds on its device).
template <class T>
HostFields<T> settings_of(const HostFields<T>& f) {
  HostFields<T> m;
  static_cast<FieldSettings<T>&>(m) = f;
  m.species.resize(f.species.size());
  for (std::size_t s = 0; s < f.species.size(); ++s)
    static_cast<SpeciesSettings<T>&>(m.species[s]) = f.species[s];
  return m;
}

/// Volume of one voxel [µm³].
template <class T>
double voxel_volume(const HostFields<T>& f) {
  return 1.0 / std::sqrt(double(f.ih2.x) * double(f.ih2.y) * double(f.ih2.z));
}

/// The vessel values of species s at time t: its constant table, or the model's function.
template <class T>
VesselTable<T> vessel_table(const HostFields<T>& f, std::size_t s, double t) {
  VesselTable<T> v = f.species[s].vessels;
  if (!f.vessel_value) return v;
  for (int l = 0; l < kVesselLabels; ++l)
    if (v.holds(std::uint8_t(l))) v.value[l] = T(f.vessel_value(s, l, t));
  return v;
}

}  // namespace lobule

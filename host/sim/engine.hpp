/// The time-step orchestrator: one engine, written once over the primitives of an execution
/// space (CpuExec: OpenMP; CudaExec: CUDA), which own memory and launches and nothing else.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "backend.hpp"
#include "diffusion_integrator.hpp"
#include "exec_cpu.hpp"
#include "kernels/frozen_rates.hpp"
#include "multigrid_solve.hpp"

namespace lobule {

/// The solver state of one run on the device of Exec, and its time step.
template <class T, class Exec>
class Engine final : public Backend<T> {
 public:
  using SlotTerm = typename Backend<T>::SlotTerm;
  const char* name() const override { return Exec::kName; }
  void upload(const HostFields<T>& f) override;
  void download(HostFields<T>& f) override;
  void upload_field(std::size_t s, const T* u) override;
  void step(double t, double dt) override;
  void diffuse(double t, double dt) override;
  std::vector<double> clipped_mass() override;
  std::vector<double> explicit_lowest() override;
  std::vector<SolverTally> solver_tally() override;
  void set_pace(const std::vector<double>& pace) override;
  void combine_slots(std::size_t out, const std::vector<SlotTerm>& terms) override;
  double slot_dot(std::size_t a, std::size_t b, const std::vector<double>& w) override;
  std::vector<double> slot_changes(std::size_t a, std::size_t b,
                                   const std::vector<double>& floor) override;
  std::vector<double> slot_max(std::size_t a) override;
  void clip_fields() override;
  std::size_t state_bytes() const override;
  void finish() override { Exec::synchronize(); }

  void set_model(std::shared_ptr<const ModelKernels<T>> kernels) override;

 private:
  using Array = typename Exec::template Array<T>;
  struct Species {
    Array u, D;        // D only for a diffusing species with a fixed D field (no driver)
    Array p, l;        // rates frozen for the step (coupled models, diffusing species only)
    T d_max = 0;       // the largest D the species can take [µm²/s]; 0: a local field
    double l_max = 0;  // the largest frozen loss rate this step [1/s]
    int hind = -1;     // a scar-hindered species: its hindrance in hindrance_, D = d_free·H
    T d_uniform = 0;   // > 0: its fixed D is this one value in all the tissue (0 outside)
    std::vector<std::uint8_t> open_rows;     // CPU: its rows with no closed face (StencilHint)
    std::vector<std::uint32_t> held_voxels;  // CPU: the voxels its vessels hold (VesselTable)
  };
  // The hindrance H = 1/(1 + C/C_half) of every scar-hindered species with the same driver
  // fields and C_half (0 outside the tissue), recomputed from the drivers each step: one array
  // per (driver, C_half), not one D array per species. The stencil's face diffusivity is
  // harmonic, so D = d_free·H enters as d_free times the faces of H (folded into 1/h²).
  struct Hindrance {
    Array H;
    std::vector<int> driver;
    T c_half = 0;
    std::size_t first = 0;  // the first species using it (its boundary kinds fill the halo)
    Array face[3];          // CPU: its harmonic face values per axis (StencilHint::face)
  };

  void explicit_step(double t, double dt);
  bool fused_explicit_step(double t, double dt, const std::vector<VesselTable<T>>& held);
  void freeze_rates(double t);
  void react_remainder(double t, double dt, bool before);
  void diffuse_frozen(double t, double dt);
  void update_diffusivities();
  /// What the diffusion integrator needs of species s.
  DiffusionTask<T, Exec> task(std::size_t s);
  FrozenRates<T> frozen(std::size_t s) const;
  std::vector<T*> field_pointers();
  std::vector<VesselTable<T>> vessel_tables(double t) const;
  VesselTable<T> held_at(std::size_t s, double t) const;
  /// What the CPU stencil may know of species s beyond its D array (StencilHint).
  StencilHint<T> hint(std::size_t s);
  bool coupled() const { return model_ != nullptr; }
  VoxelMap voxel_map() {
    return {label_.data(), zone_.size() > 0 ? zone_.data() : nullptr,
            tissue_.size() > 0 ? tissue_.data() : nullptr, meta_.box.padded()};
  }
  bool diffuses(std::size_t s) const { return species_[s].d_max > T(0); }
  /// The array the stencil of species s reads as D, and 1/h² times the factor that makes it D.
  T* diffusivity(std::size_t s) {
    const int h = species_[s].hind;
    return h >= 0 ? hindrance_[std::size_t(h)].H.data() : species_[s].D.data();
  }
  InvH2<T> ih2_of(std::size_t s) const {
    const T f = species_[s].hind >= 0 ? meta_.species[s].d_free : T(1);
    return {meta_.ih2.x * f, meta_.ih2.y * f, meta_.ih2.z * f};
  }

  HostFields<T> meta_;  // settings, coefficients, labels and vessel values; no field arrays
  std::vector<Species> species_;
  std::vector<Hindrance> hindrance_;
  typename Exec::template Array<std::uint8_t> label_;
  typename Exec::template Array<float> zone_;    // lobule zone per voxel; empty without zones
  typename Exec::template Array<float> tissue_;  // tissue weights (3 planes); empty: labels'
  Array scratch_[3];  // next level (explicit); the diffusion integrator's (RKL2: M(Y0)
                      // and two increments; implicit: M(u) and two increments)
  std::unique_ptr<DiffusionIntegrator<T, Exec>> diffusion_;  // D̃(dt) of the balanced step
  std::vector<Array> rate_;      // explicit step of a coupled model: net rate per species, or
                                 // its new state in a fused step
  std::vector<double> clipped_;  // per species: Σ clipped undershoots [conc·voxel]
  Array lowest_;                 // per species: min(0, every value an explicit step wrote)
  std::vector<double> pace_;     // per species: pseudo-time scale of its reactions (set_pace)
  std::vector<std::vector<Array>> slots_;  // state slots (combine_slots): per slot, per species
  /// Species s's array of slot k (kFields: the field itself), allocated on first use.
  Array& slot(std::size_t k, std::size_t s);
  std::shared_ptr<const ModelKernels<T>> model_;
};

/// The CPU engine, the reference every other execution space is tested against.
template <class T>
using CpuBackend = Engine<T, CpuExec>;

/// multigrid_solve on the CPU (host/sim/engine_cpu.cpp).
template <class T>
SolveStats multigrid_solve_cpu(const MgHostProblem<T>& p, const std::vector<T>& b,
                               std::vector<T>& x, const MultigridSettings& s,
                               std::vector<double>* history);

#ifdef LOBULE_HAVE_CUDA
/// A CUDA engine (host/sim/engine_cuda.cpp).
template <class T>
std::unique_ptr<Backend<T>> make_cuda_engine();
/// multigrid_solve on the GPU (host/sim/engine_cuda.cpp).
template <class T>
SolveStats multigrid_solve_cuda(const MgHostProblem<T>& p, const std::vector<T>& b,
                                std::vector<T>& x, const MultigridSettings& s,
                                std::vector<double>* history);
#endif

}  // namespace lobule

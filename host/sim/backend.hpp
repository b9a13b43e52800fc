/// The compute backend interface: the same stepping on the CPU (OpenMP) or a GPU (CUDA).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "diffusion_integrator.hpp"
#include "fields.hpp"
#include "host/config/enums.hpp"
#include "kernels/model_kernels.hpp"

namespace lobule {

/// Owns the solver state on its device and advances it (host/sim/engine.hpp: one engine,
/// instantiated per execution space).
template <class T>
class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;
  /// Copies concentrations, diffusivities, labels, coefficients and settings from the host.
  virtual void upload(const HostFields<T>& f) = 0;
  /// Copies the concentrations back into f (interior and halo).
  virtual void download(HostFields<T>& f) = 0;
  /// Replaces the concentrations of species s (padded layout, interior and halo) and nothing
  /// else: what a model event (a therapy dose) changes between two steps.
  virtual void upload_field(std::size_t s, const T* u) = 0;

  /// Advances every species from tissue time t [s] by dt [s] with the uploaded scheme:
  ///   explicit: one unsplit forward Euler step, u += dt·(∇·(D∇u) + P(u) − L(u)·u);
  ///   rkl2: balanced Strang splitting R̃(dt/2)·D̃(dt)·R̃(dt/2), D̃ = RKL2 super time stepping of
  ///         diffusion with the reaction rates frozen at (t, u) (docs/time-integration.md);
  ///   implicit: the same splitting with D̃ by TR-BDF2 and multigrid solves.
  /// Vessel voxels hold their values at the end of each part.
  virtual void step(double t, double dt) = 0;
  /// The diffusion sub-step D̃(dt) from t alone, with the rates frozen at (t, u).
  virtual void diffuse(double t, double dt) = 0;
  /// Replaces the diffusion–decay reaction (P = s, L = λ per species) by a coupled model whose
  /// fields are the species in order; its kernels must run where this engine's memory is
  /// (std::invalid_argument otherwise). Before upload or after it.
  virtual void set_model(std::shared_ptr<const ModelKernels<T>> kernels) = 0;
  /// Per species, the amount [conc·µm³] that rkl2 added since the upload by setting negative
  /// undershoots to zero (0 for the explicit scheme, which never undershoots while stable).
  virtual std::vector<double> clipped_mass() = 0;
  /// Per species, the lowest value any explicit step wrote since the upload, or 0 when none was
  /// negative: forward Euler keeps u ≥ 0 only while dt is small enough for the reaction rates,
  /// and a value whose sign flips from step to step can look fine at every output. Recorded by
  /// the step kernels as they write (no extra pass over memory); reading it waits for them.
  virtual std::vector<double> explicit_lowest() = 0;
  /// Per species, what the implicit scheme's solves did since the last call (zeros for the other
  /// schemes and for local fields): the run log reports it at each output.
  virtual std::vector<SolverTally> solver_tally() = 0;
  /// Pseudo time for a steady-state solve: per species, a factor on what its reactions leave
  /// after the frozen rates in the balanced step (1: as in a run; empty: all 1). Coupled models.
  virtual void set_pace(const std::vector<double>& pace) = 0;
  /// State slots: copies of every species' field on the device (slot 0, 1, …; kFields names the
  /// fields themselves), for the steady-state service and its fixed-point acceleration.
  static constexpr std::size_t kFields = std::size_t(-1);
  struct SlotTerm {
    std::size_t slot;
    double weight;
  };
  /// out = Σ weight·slot over the terms, every species (out may be one of them; a slot is
  /// allocated on first use).
  virtual void combine_slots(std::size_t out, const std::vector<SlotTerm>& terms) = 0;
  /// Σ_species w_s · Σ_interior a_s·b_s.
  virtual double slot_dot(std::size_t a, std::size_t b, const std::vector<double>& w) = 0;
  /// Per species, the largest |a − b| over the interior relative to the larger of its largest
  /// value in b and floor[s] (0 where both are ≤ 1e-12); infinite when a value is not finite.
  virtual std::vector<double> slot_changes(std::size_t a, std::size_t b,
                                           const std::vector<double>& floor) = 0;
  /// Per species, its largest value in slot a over the interior.
  virtual std::vector<double> slot_max(std::size_t a) = 0;
  /// Sets the fields' negative values to zero (an extrapolated state).
  virtual void clip_fields() = 0;
  /// Bytes of the solver state allocated on the backend's device now (fields, diffusivity and
  /// hindrance arrays, labels, zones, scratch and rate arrays): what estimate_memory predicts.
  virtual std::size_t state_bytes() const = 0;
  /// Returns when the work queued on the device is done (at once on the CPU): a step may
  /// return before its kernels have run, and the run's phase timing waits here.
  virtual void finish() = 0;
};

/// True when this build has the CUDA backend compiled in.
bool cuda_compiled();
/// True when the CUDA backend is compiled and a GPU is visible.
bool cuda_available();

/// Resolves auto to cuda when a GPU is usable, else cpu. Throws InputError for cuda
/// on a build or machine without it.
BackendChoice resolve_backend(BackendChoice want);

/// The engine for `which` (resolved first: auto picks cuda where a GPU is usable). Throws
/// InputError for cuda on a build or machine without it, never falls back to the CPU.
template <class T>
std::unique_ptr<Backend<T>> make_backend(BackendChoice which);

}  // namespace lobule

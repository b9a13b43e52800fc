/// The CPU backend (OpenMP loops over the shared per-voxel and per-line formulas).
#pragma once
#include <memory>
#include <vector>

#include "backend.hpp"
#include "cpu_reaction.hpp"

namespace lobule {

template <class T>
class CpuBackend final : public Backend<T> {
 public:
  const char* name() const override { return "cpu"; }
  void upload(const HostFields<T>& f) override;
  void download(HostFields<T>& f) override;
  void react(double t, double dt) override;
  void diffuse(double t, double dt) override;
  std::vector<double> clipped_mass() override;

  /// Replaces the diffusion–decay reaction (P = s, L = λ per species) by another model.
  void set_reaction(std::shared_ptr<const CpuReaction<T>> r) { reaction_ = std::move(r); }

 protected:
  Scheme scheme() const override { return f_.scheme; }
  void explicit_step(double t, double dt) override;

 private:
  void update_diffusivities();
  void ensure_scratch(int n);  // sizes the first n of a_, b_, c_
  void rkl2(std::size_t s, double t, double dt, int halvings);
  double rkl2_attempt(std::size_t s, double t, double dt, std::vector<T>*& result);
  void lod(std::size_t s, double t, double dt);
  std::vector<T*> field_pointers();

  HostFields<T> f_;
  std::vector<T> d_max_;               // per species: the largest D it can take [µm²/s]
  std::vector<double> clipped_;        // per species: Σ clipped undershoots [conc·voxel]
  std::vector<T> a_, b_, c_;           // scratch shared by all species (next level, stages)
  std::vector<std::vector<T>> rates_;  // per species, only for a replaced reaction's explicit step
  std::shared_ptr<const CpuReaction<T>> reaction_;
};

}  // namespace lobule

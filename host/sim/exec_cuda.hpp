/// The CUDA execution space of the engine: device arrays and the launchers of kernels/cuda
/// (compiled only when nvcc is found; plain C++, the kernels live in the .cu files).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/cuda/device.hpp"
#include "kernels/cuda/diffusion_cuda.hpp"
#include "kernels/cuda/multigrid_cuda.hpp"
#include "kernels/cuda/reaction_cuda.hpp"

namespace lobule {

/// Memory and launches on the GPU. Reductions come back as one double each (a small
/// device-to-host copy, which also waits for the queued kernels).
struct CudaExec {
  static constexpr const char* kName = "cuda";
  static constexpr bool kHostMemory = false;

  template <class U>
  using Array = cuda::DeviceArray<U>;

  template <class T>
  static void copy(T* dst, const T* src, std::size_t n) {
    cuda::copy_on_device(dst, src, n * sizeof(T));
  }
  static void synchronize() { cuda::synchronize(); }

  template <class T>
  static void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u) {
    cuda::fill_halo(b, bc, what, u);
  }
  template <class T>
  static void explicit_step(const Box& b, InvH2<T> ih2, T* u, const T* D, const std::uint8_t* label,
                            const VesselTable<T>& held, T* out, T dt, T decay, T source,
                            StencilHint<T> hint, const BoundarySet<T>* fill, T* lowest) {
    if (fill) cuda::fill_halo(b, *fill, HaloOf::Concentration, u);
    cuda::explicit_step(b, ih2, u, D, hint.d, label, held, out, dt, decay, source, lowest);
  }
  template <class T>
  static void explicit_step_rate(const Box& b, InvH2<T> ih2, T* u, const T* D,
                                 const std::uint8_t* label, const VesselTable<T>& held,
                                 const T* rate, T* out, T dt, StencilHint<T> hint,
                                 const BoundarySet<T>* fill, T* lowest) {
    if (fill) cuda::fill_halo(b, *fill, HaloOf::Concentration, u);
    cuda::explicit_step_rate(b, ih2, u, D, hint.d, label, held, rate, out, dt, lowest);
  }
  template <class T>
  static void rkl2_first(const Box& b, const Rkl2Context<T>& x, T* y0, const T* D, T* m0, T* z1,
                         T f1, const BoundarySet<T>* fill) {
    if (fill) cuda::fill_halo(b, *fill, HaloOf::Concentration, y0);
    cuda::rkl2_first(b, x, y0, D, m0, z1, f1);
  }
  template <class T>
  static double rkl2_stage(const Box& b, const Rkl2Context<T>& x, T* z_prev, const T* z_prev2,
                           const T* y0, const T* m0, const T* D, T* out, const Rkl2Stage<T>& k,
                           bool last, const BoundarySet<T>* fill) {
    if (fill) cuda::fill_halo(b, *fill, HaloOf::Concentration, z_prev);
    double* acc = last ? reduction_slot() : nullptr;
    cuda::rkl2_stage(b, x, z_prev, z_prev2, y0, m0, D, out, k, last, acc);
    return last ? read_slot() : 0.0;
  }
  /// None: the CUDA kernels read the D array (of StencilHint they use d alone).
  template <class T>
  static std::vector<std::uint8_t> open_rows(const Box&, const T*) {
    return {};
  }
  template <class T>
  static double interior_sum(const Box& b, const T* u) {
    cuda::interior_sum(b, u, reduction_slot());
    return read_slot();
  }
  template <class T>
  static double interior_max(const Box& b, const T* u) {
    cuda::interior_max(b, u, reduction_slot());
    return read_slot();
  }
  template <class T>
  static void clip_negative(const Box& b, T* u) {
    cuda::clip_negative(b, u);
  }
  template <class T>
  static double max_abs_difference(const Box& b, const T* u, const T* v) {
    cuda::max_abs_difference(b, u, v, reduction_slot());
    return read_slot();
  }
  template <class T>
  static void update_diffusivity(const Box& b, const std::uint8_t* label,
                                 const DiffusivityDriverView<T>& d, T* D) {
    cuda::update_diffusivity(b, label, d, D);
  }
  template <class T>
  static void react_linear(const Box& b, const VoxelMap& m, const ReactionFields<T, 1>& f,
                           const LinearDecay<T>& r, T t, T dt, const ReactionControl<T>& ctl) {
    cuda::react_linear_decay(b, m, f, r, t, dt, ctl);
  }

  // The implicit step and its multigrid (kernels/cuda/multigrid_cuda.hpp); sums come back through
  // the reduction slot.
  template <class T>
  static void implicit_operator(const Box& b, const Rkl2Context<T>& x, T* u, const T* D, T* m,
                                const BoundarySet<T>* fill) {
    if (fill) cuda::fill_halo(b, *fill, HaloOf::Concentration, u);
    cuda::implicit_operator(b, x, u, D, m);
  }
  template <class T>
  static void set_held(const Box& b, const std::uint8_t* label, const VesselTable<T>& held, T* u) {
    cuda::set_held(b, label, held, u);
  }
  template <class T>
  static void combine(const Box& b, T a1, const T* x1, T a2, const T* x2, T* out) {
    cuda::combine(b, a1, x1, a2, x2, out);
  }
  template <class T>
  static double implicit_finish(const Box& b, const Rkl2Context<T>& x, const T* u, const T* delta,
                                T* out) {
    cuda::implicit_finish(b, x, u, delta, out, reduction_slot());
    return read_slot();
  }
  template <class T>
  static void mg_kinds(const Box& b, const std::uint8_t* label, const VesselTable<T>& held,
                       const BoundaryKind* kind, std::uint8_t* out) {
    cuda::mg_kinds(b, label, held, kind, out);
  }
  template <class T>
  static void mg_build_fine(const MgFineSpec<T>& s, T* diag, T* const w[3]) {
    cuda::mg_build_fine(s, diag, w);
  }
  template <class T>
  static void mg_coarsen_fine(const MgFineSpec<T>& s, const T* const w[3],
                              const MgLevelArrays<T>& coarse) {
    cuda::mg_coarsen_fine(s, w, coarse);
  }
  template <class T>
  static void mg_coarsen(const MgLevelArrays<T>& fine, const BoundaryKind* kind,
                         const MgLevelArrays<T>& coarse) {
    cuda::mg_coarsen(fine, kind, coarse);
  }
  template <class T>
  static void mg_finish_diag(const MgLevelArrays<T>& lv) {
    cuda::mg_finish_diag(lv);
  }
  template <class T>
  static void mg_wrap_halo(const Box& b, const BoundaryKind* kind, T* u) {
    cuda::mg_wrap_halo(b, kind, u);
  }
  template <class T>
  static void mg_smooth(const Box& b, const BoundaryKind* kind, const MgOperator<T>& op, T* x,
                        const T* rhs, int sweeps, bool forward) {
    cuda::mg_smooth(b, kind, op, x, rhs, sweeps, forward);
  }
  template <class T>
  static void mg_restrict(const Box& fine, const MgOperator<T>& op, const T* x, const T* rhs,
                          const Box& coarse, T* bc) {
    cuda::mg_restrict(fine, op, x, rhs, coarse, bc);
  }
  template <class T>
  static void mg_prolong(const Box& coarse, const T* xc, const Box& fine, const MgOperator<T>& op,
                         T* x) {
    cuda::mg_prolong(coarse, xc, fine, op, x);
  }
  template <class T>
  static void mg_zero(const Box& b, T* x) {
    cuda::mg_zero(b, x);
  }
  template <class T>
  static double mg_dot(const Box& b, const T* x, const T* y) {
    cuda::mg_dot(b, x, y, reduction_slot());
    return read_slot();
  }
  template <class T>
  static double mg_direction(const Box& b, const MgOperator<T>& op, const T* z, double beta, T* p,
                             T* q) {
    cuda::mg_direction(b, op, z, T(beta), p, q, reduction_slot());
    return read_slot();
  }
  template <class T>
  static double mg_update(const Box& b, double alpha, const T* p, const T* q, T* x, T* r) {
    cuda::mg_update(b, T(alpha), p, q, x, r, reduction_slot());
    return read_slot();
  }

 private:
  /// A device double set to 0, for one reduction at a time.
  static double* reduction_slot();
  /// Its value, after the queued kernels finish.
  static double read_slot();
};

}  // namespace lobule

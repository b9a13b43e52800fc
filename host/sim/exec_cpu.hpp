/// The CPU execution space of the engine: host arrays and the OpenMP launchers of kernels/cpu.
#pragma once
#include <cstddef>
#include <cstdint>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "kernels/cpu/diffusion_cpu.hpp"
#include "kernels/cpu/implicit_cpu.hpp"
#include "kernels/cpu/multigrid_cpu.hpp"
#include "kernels/cpu/omp_grain.hpp"
#include "kernels/cpu/reaction_cpu.hpp"
#include "kernels/linear_decay.hpp"

namespace lobule {

/// Memory and launches on the host (OpenMP). Every function is a one-line forward.
struct CpuExec {
  static constexpr const char* kName = "cpu";
  static constexpr bool kHostMemory = true;

  /// n zero-initialized elements in host memory, with the interface of cuda::DeviceArray. The
  /// pages are first touched (zeroed) by the threads in the static schedule the loops use, and
  /// uploads and downloads copy in parallel: a grid of 256³ × 8 species spent most of its
  /// start-up in one thread zeroing and copying arrays.
  ///
  /// Each array starts at its own offset within a 4 KiB page, a multiple of 64 bytes that
  /// changes from one array to the next. A large allocation otherwise starts at the same offset
  /// in its page every time, and then element c of every field has the same low 12 address bits:
  /// the loads of one field wait for the stores of another (the CPU takes them for the same
  /// address until it compares the whole address), and the fields of a voxel compete for the
  /// same sets of the L1 cache. The liver model's fused step reads 17 fields and writes 17.
  template <class U>
  class Array {
   public:
    Array() = default;
    explicit Array(std::size_t n) : n_(n) {
      if (n == 0) return;
      static std::atomic<unsigned> count{0};
      const std::size_t offset = 64 * ((count++ * 11u) % 64u);  // bytes into the page
      raw_.reset(new unsigned char[n * sizeof(U) + 2 * kPage]);
      const auto base = reinterpret_cast<std::uintptr_t>(raw_.get());
      p_ = reinterpret_cast<U*>((base + kPage - 1) / kPage * kPage + offset);
      U* p = p_;
      cpu::for_chunks(n, [p](std::size_t a, std::size_t b) { std::fill(p + a, p + b, U(0)); });
    }
    Array(Array&& o) noexcept
        : raw_(std::move(o.raw_)), p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
    Array& operator=(Array&& o) noexcept {
      raw_ = std::move(o.raw_);
      p_ = std::exchange(o.p_, nullptr);
      n_ = std::exchange(o.n_, 0);
      return *this;
    }
    U* data() { return p_; }
    const U* data() const { return p_; }
    std::size_t size() const { return n_; }
    void upload(const U* host) {
      U* p = p_;
      cpu::for_chunks(n_, [p, host](std::size_t a, std::size_t b) {
        std::memcpy(p + a, host + a, (b - a) * sizeof(U));
      });
    }
    void download(U* host) const {
      const U* p = p_;
      cpu::for_chunks(n_, [p, host](std::size_t a, std::size_t b) {
        std::memcpy(host + a, p + a, (b - a) * sizeof(U));
      });
    }

   private:
    static constexpr std::size_t kPage = 4096;
    std::unique_ptr<unsigned char[]> raw_;
    U* p_ = nullptr;
    std::size_t n_ = 0;
  };

  template <class T>
  static void copy(T* dst, const T* src, std::size_t n) {
    cpu::for_chunks(n, [dst, src](std::size_t a, std::size_t b) {
      std::memcpy(dst + a, src + a, (b - a) * sizeof(T));
    });
  }
  static void synchronize() {}

  template <class T>
  static void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u) {
    cpu::fill_halo(b, bc, what, u);
  }
  template <class T>
  static void explicit_step(const Box& b, InvH2<T> ih2, T* u, const T* D, const std::uint8_t* label,
                            const VesselTable<T>& held, T* out, T dt, T decay, T source,
                            StencilHint<T> us, const BoundarySet<T>* fill, T* lowest) {
    cpu::explicit_step(b, ih2, u, D, label, held, out, dt, decay, source, us, fill, lowest);
  }
  template <class T>
  static void explicit_step_rate(const Box& b, InvH2<T> ih2, T* u, const T* D,
                                 const std::uint8_t* label, const VesselTable<T>& held,
                                 const T* rate, T* out, T dt, StencilHint<T> us,
                                 const BoundarySet<T>* fill, T* lowest) {
    cpu::explicit_step_rate(b, ih2, u, D, label, held, rate, out, dt, us, fill, lowest);
  }
  template <class T>
  static void rkl2_first(const Box& b, const Rkl2Context<T>& x, T* y0, const T* D, T* m0, T* z1,
                         T f1, const BoundarySet<T>* fill) {
    cpu::rkl2_first(b, x, y0, D, m0, z1, f1, fill);
  }
  template <class T>
  static double rkl2_stage(const Box& b, const Rkl2Context<T>& x, T* z_prev, const T* z_prev2,
                           const T* y0, const T* m0, const T* D, T* out, const Rkl2Stage<T>& k,
                           bool last, const BoundarySet<T>* fill) {
    return cpu::rkl2_stage(b, x, z_prev, z_prev2, y0, m0, D, out, k, last, fill);
  }
  /// The rows where a constant-coefficient species needs no mask (StencilHint::open_rows).
  template <class T>
  static std::vector<std::uint8_t> open_rows(const Box& b, const T* D) {
    return cpu::open_rows(b, D);
  }
  template <class T>
  static void face_diffusivities(const Box& b, const T* D, T* fx, T* fy, T* fz) {
    cpu::face_diffusivities(b, D, fx, fy, fz);
  }
  template <class T>
  static double interior_sum(const Box& b, const T* u) {
    return cpu::interior_sum(b, u);
  }
  template <class T>
  static double interior_max(const Box& b, const T* u) {
    return cpu::interior_max(b, u);
  }
  template <class T>
  static double max_abs_difference(const Box& b, const T* u, const T* v) {
    return cpu::max_abs_difference(b, u, v);
  }
  template <class T>
  static void clip_negative(const Box& b, T* u) {
    cpu::clip_negative(b, u);
  }
  template <class T>
  static void update_diffusivity(const Box& b, const std::uint8_t* label,
                                 const DiffusivityDriverView<T>& d, T* D) {
    cpu::update_diffusivity(b, label, d, D);
  }
  template <class T>
  static void react_linear(const Box& b, const VoxelMap& m, const ReactionFields<T, 1>& f,
                           const LinearDecay<T>& r, T t, T dt, const ReactionControl<T>& ctl) {
    cpu::react(b, m, f, r, t, dt, ctl);
  }
  // The implicit step (kernels/cpu/implicit_cpu.hpp).
  template <class T>
  static void implicit_operator(const Box& b, const Rkl2Context<T>& x, T* u, const T* D, T* m,
                                const BoundarySet<T>* fill) {
    cpu::implicit_operator(b, x, u, D, m, fill);
  }
  template <class T>
  static void set_held(const Box& b, const std::uint8_t* label, const VesselTable<T>& held, T* u) {
    cpu::set_held(b, label, held, u);
  }
  template <class T>
  static void combine(const Box& b, T a1, const T* x1, T a2, const T* x2, T* out) {
    cpu::combine(b, a1, x1, a2, x2, out);
  }
  template <class T>
  static double implicit_finish(const Box& b, const Rkl2Context<T>& x, const T* u, const T* delta,
                                T* out) {
    return cpu::implicit_finish(b, x, u, delta, out);
  }
  // Multigrid (kernels/cpu/multigrid_cpu.hpp).
  template <class T>
  static void mg_kinds(const Box& b, const std::uint8_t* label, const VesselTable<T>& held,
                       const BoundaryKind* kind, std::uint8_t* out) {
    cpu::mg_kinds(b, label, held, kind, out);
  }
  template <class T>
  static void mg_build_fine(const MgFineSpec<T>& s, T* diag, T* const w[3]) {
    cpu::mg_build_fine(s, diag, w);
  }
  template <class T>
  static void mg_coarsen_fine(const MgFineSpec<T>& s, const T* const w[3],
                              const MgLevelArrays<T>& coarse) {
    cpu::mg_coarsen_fine(s, w, coarse);
  }
  template <class T>
  static void mg_coarsen(const MgLevelArrays<T>& fine, const BoundaryKind* kind,
                         const MgLevelArrays<T>& coarse) {
    cpu::mg_coarsen(fine, kind, coarse);
  }
  template <class T>
  static void mg_finish_diag(const MgLevelArrays<T>& lv) {
    cpu::mg_finish_diag(lv);
  }
  template <class T>
  static void mg_wrap_halo(const Box& b, const BoundaryKind* kind, T* u) {
    cpu::mg_wrap_halo(b, kind, u);
  }
  template <class T>
  static void mg_smooth(const Box& b, const BoundaryKind* kind, const MgOperator<T>& op, T* x,
                        const T* rhs, int sweeps, bool forward) {
    cpu::mg_smooth(b, kind, op, x, rhs, sweeps, forward);
  }
  template <class T>
  static void mg_restrict(const Box& fine, const MgOperator<T>& op, const T* x, const T* rhs,
                          const Box& coarse, T* bc) {
    cpu::mg_restrict(fine, op, x, rhs, coarse, bc);
  }
  template <class T>
  static void mg_prolong(const Box& coarse, const T* xc, const Box& fine, const MgOperator<T>& op,
                         T* x) {
    cpu::mg_prolong(coarse, xc, fine, op, x);
  }
  template <class T>
  static void mg_zero(const Box& b, T* x) {
    cpu::mg_zero(b, x);
  }
  template <class T>
  static double mg_dot(const Box& b, const T* x, const T* y) {
    return cpu::mg_dot(b, x, y);
  }
  template <class T>
  static double mg_direction(const Box& b, const MgOperator<T>& op, const T* z, double beta, T* p,
                             T* q) {
    return cpu::mg_direction(b, op, z, beta, p, q);
  }
  template <class T>
  static double mg_update(const Box& b, double alpha, const T* p, const T* q, T* x, T* r) {
    return cpu::mg_update(b, alpha, p, q, x, r);
  }
};

}  // namespace lobule

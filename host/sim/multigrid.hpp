/// Geometric multigrid solves of (1 + a·ℓ)·x − a·∇·(D∇x) = b on one execution space: the
/// hierarchy of kernels/multigrid.hpp, a V-cycle with red–black Gauss–Seidel (more sweeps on the
/// cheaper coarse levels), and conjugate gradients preconditioned by one V-cycle per iteration.
/// Written once over the primitives of Exec (CpuExec, CudaExec); every decision comes from a
/// reduction over the whole grid, every sweep needs only its neighbours (halo exchange).
///
/// The finest level's operator is rebuilt for every solve (the iteration solves with it exactly);
/// the coarse levels only precondition, so a caller may keep them (Coarse) over several solves
/// of slowly changing operators and rebuild them when the iterations say they have gone stale.
#pragma once
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "host/config/solver_settings.hpp"
#include "host/errors.hpp"
#include "kernels/multigrid.hpp"

namespace lobule {

/// What one solve did.
struct SolveStats {
  int iterations = 0;   ///< conjugate-gradient iterations (V-cycles)
  double residual = 0;  ///< final ‖r‖₂ / max(‖b‖₂, scale)
  double factor = 0;    ///< mean reduction of ‖r‖₂ per iteration (0 when none was needed)
  double initial = 0;   ///< ‖b‖₂
};

template <class T, class Exec>
class Multigrid {
 public:
  using Array = typename Exec::template Array<T>;

  /// The operators of the coarse levels (diag and + faces of levels 1, 2, …) of one problem.
  struct Coarse {
    struct Ops {
      Array diag, w[3];
    };
    std::vector<Ops> level;
    bool built() const { return !level.empty(); }
    std::size_t bytes() const {
      std::size_t words = 0;
      for (const Ops& o : level)
        words += o.diag.size() + o.w[0].size() + o.w[1].size() + o.w[2].size();
      return words * sizeof(T);
    }
  };

  explicit Multigrid(MultigridSettings s = {}) : set_(s) {}

  const MultigridSettings& settings() const { return set_; }

  /// Builds the finest level's operator for `spec` (its kinds are the hierarchy's own), and the
  /// coarse levels into `coarse` when `rebuild_coarse` or they were never built. Arrays are
  /// allocated on the first call and when the box changes.
  void build(MgFineSpec<T> spec, Coarse& coarse, bool rebuild_coarse) {
    if (boxes_.empty() || !same_box(boxes_[0], spec.box)) allocate(spec.box);
    for (int f = 0; f < kFaces; ++f) kind_[f] = spec.kind[f];
    Exec::mg_kinds(spec.box, spec.label, spec.held, spec.kind, kinds_.data());
    spec.kinds = kinds_.data();
    T* w0[3] = {w0_[0].data(), w0_[1].data(), w0_[2].data()};
    Exec::mg_build_fine(spec, diag0_.data(), w0);
    for (auto& w : w0_) Exec::mg_wrap_halo(spec.box, kind_, w.data());
    if (coarse.built() && !rebuild_coarse) return;
    if (!coarse.built())
      for (std::size_t l = 1; l < boxes_.size(); ++l) {
        typename Coarse::Ops o;
        o.diag = zeroed(boxes_[l]);
        for (auto& w : o.w) w = zeroed(boxes_[l]);
        coarse.level.push_back(std::move(o));
      }
    for (std::size_t l = 1; l < boxes_.size(); ++l) {
      const MgLevelArrays<T> c = arrays(coarse, l);
      if (l == 1)
        Exec::mg_coarsen_fine(spec, w0, c);
      else
        Exec::mg_coarsen(arrays(coarse, l - 1), kind_, c);
      for (int a = 0; a < 3; ++a) Exec::mg_wrap_halo(c.box, kind_, c.w[a]);
      Exec::mg_finish_diag(c);
    }
  }

  /// build with the hierarchy's own coarse levels, rebuilt every time.
  void build(const MgFineSpec<T>& spec) { build(spec, own_, true); }

  /// Solves A x = b by preconditioned conjugate gradients from x = 0 with the finest level last
  /// built and the coarse levels `coarse`: on entry r holds b, on exit the residual b − A x (both
  /// zero outside the unknowns).
  /// `scale` is the norm the tolerance is relative to besides ‖b‖ (MultigridSettings::tolerance).
  /// Throws NumericalError, naming `what`, when the iteration does not converge or breaks down.
  /// `history`, when given, receives ‖r‖₂/‖b‖₂ after each iteration.
  SolveStats solve(const Coarse& coarse, T* x, T* r, double scale, const char* what,
                   std::vector<double>* history = nullptr) {
    coarse_ = &coarse;
    const Box& b = boxes_[0];
    const MgOperator<T> op = op_of(0);
    Exec::mg_zero(b, x);
    double rr = Exec::mg_dot(b, r, r);
    SolveStats st;
    st.initial = std::sqrt(rr);
    const double ref = std::max(st.initial, scale);
    // Below kNegligible the residual is round-off of nothing (a field decayed to denormal
    // values): the squares the iteration forms would underflow, so that counts as solved.
    const double goal = std::max(set_.tolerance * ref, kNegligible);
    if (!(std::sqrt(rr) > goal)) return finish(st, rr, ref);
    double rz_old = 0;
    for (int it = 1; it <= set_.max_iterations; ++it) {
      vcycle(0, z_.data(), r);
      const double rz = Exec::mg_dot(b, r, z_.data());
      const double beta = it == 1 ? 0.0 : rz / rz_old;
      rz_old = rz;
      Exec::mg_wrap_halo(b, kind_, z_.data());
      const double pq = Exec::mg_direction(b, op, z_.data(), beta, p_.data(), q_.data());
      if (!(pq > 0) || !std::isfinite(rz))
        throw NumericalError(fmt::format(
            "{}: the multigrid solve broke down in iteration {} (p·Ap = {:.3g}, r·z = {:.3g}): "
            "the field or the operator is not finite or not positive",
            what, it, pq, rz));
      rr = Exec::mg_update(b, rz / pq, p_.data(), q_.data(), x, r);
      st.iterations = it;
      if (history) history->push_back(std::sqrt(rr) / st.initial);
      if (!std::isfinite(rr))
        throw NumericalError(fmt::format(
            "{}: the multigrid solve produced a value that is not finite in iteration {}", what,
            it));
      if (std::sqrt(rr) <= goal) return finish(st, rr, ref);
    }
    throw NumericalError(fmt::format(
        "{}: the multigrid solve did not converge: relative residual {:.3g} after {} iterations "
        "(tolerance {:.3g}); a shorter time.dt or a looser time.implicit.tolerance may help",
        what, std::sqrt(rr) / ref, set_.max_iterations, set_.tolerance));
  }

  /// solve with the hierarchy's own coarse levels (build(spec)).
  SolveStats solve(T* x, T* r, double scale, const char* what,
                   std::vector<double>* history = nullptr) {
    return solve(own_, x, r, scale, what, history);
  }

  /// Number of levels, and the box of level l.
  std::size_t levels() const { return boxes_.size(); }
  const Box& box(std::size_t l) const { return boxes_[l]; }

  /// Bytes allocated on the device: the finest level, the iteration vectors, every level's
  /// correction, right-hand side and build scratch, and the hierarchy's own coarse levels (a
  /// caller's Coarse counts its own: Coarse::bytes).
  std::size_t bytes() const {
    std::size_t words = p_.size() + q_.size() + z_.size() + diag0_.size();
    for (const Array& w : w0_) words += w.size();
    for (const Scratch& s : scratch_) {
      words += s.x.size() + s.b.size() + s.mass.size();
      for (int a = 0; a < 3; ++a)
        for (int q = 0; q < 2; ++q) words += s.kappa[a][q].size() + s.g[a][q].size();
    }
    return words * sizeof(T) + kinds_.size() + own_.bytes();
  }

 private:
  static constexpr double kNegligible = 1e-150;

  // Per coarse level: the V-cycle's correction and right-hand side, and what building the next
  // level reads (mass, half-cell conductances, Dirichlet couplings).
  struct Scratch {
    Array x, b, mass, kappa[3][2], g[3][2];
  };

  static bool same_box(const Box& a, const Box& b) {
    return a.nx == b.nx && a.ny == b.ny && a.nz == b.nz && a.ox == b.ox && a.oy == b.oy &&
           a.oz == b.oz;
  }

  static Array zeroed(const Box& b) {
    Array a(b.padded());
    Exec::mg_zero(b, a.data());
    return a;
  }

  void allocate(const Box& fine) {
    boxes_ = mg_level_boxes(fine);
    own_ = Coarse{};
    scratch_.clear();
    kinds_ = typename Exec::template Array<std::uint8_t>(fine.padded());
    diag0_ = zeroed(fine);
    for (auto& w : w0_) w = zeroed(fine);
    p_ = zeroed(fine);
    q_ = zeroed(fine);
    z_ = zeroed(fine);
    scratch_.resize(boxes_.size());
    for (std::size_t l = 1; l < boxes_.size(); ++l) {
      Scratch& s = scratch_[l];
      s.x = zeroed(boxes_[l]);
      s.b = zeroed(boxes_[l]);
      s.mass = zeroed(boxes_[l]);
      for (int a = 0; a < 3; ++a)
        for (int q = 0; q < 2; ++q)
          s.kappa[a][q] = zeroed(boxes_[l]), s.g[a][q] = zeroed(boxes_[l]);
    }
  }

  MgLevelArrays<T> arrays(Coarse& coarse, std::size_t l) {
    typename Coarse::Ops& o = coarse.level[l - 1];
    Scratch& s = scratch_[l];
    MgLevelArrays<T> a;
    a.box = boxes_[l];
    a.diag = o.diag.data();
    a.mass = s.mass.data();
    for (int k = 0; k < 3; ++k) {
      a.w[k] = o.w[k].data();
      for (int q = 0; q < 2; ++q)
        a.kappa[k][q] = s.kappa[k][q].data(), a.g[k][q] = s.g[k][q].data();
    }
    return a;
  }

  MgOperator<T> op_of(std::size_t l) const {
    MgOperator<T> op;
    op.sy = boxes_[l].sy();
    op.sz = boxes_[l].sz();
    if (l == 0) {
      op.diag = diag0_.data();
      for (int a = 0; a < 3; ++a) op.w[a] = w0_[a].data();
    } else {
      const typename Coarse::Ops& o = coarse_->level[l - 1];
      op.diag = o.diag.data();
      for (int a = 0; a < 3; ++a) op.w[a] = o.w[a].data();
    }
    return op;
  }

  int sweeps(std::size_t l) const { return mg_level_sweeps(l, set_.sweeps, set_.max_sweeps); }

  // The sweeps after the coarse correction run their colours in the reverse order of those
  // before it, so that the V-cycle is a symmetric preconditioner.
  void smooth(std::size_t l, T* x, const T* rhs, int n, bool forward) {
    Exec::mg_smooth(boxes_[l], kind_, op_of(l), x, rhs, n, forward);
  }

  // x ≈ A_l⁻¹·rhs from x = 0: one V-cycle (the coarsest level smoothed to convergence).
  void vcycle(std::size_t l, T* x, const T* rhs) {
    Exec::mg_zero(boxes_[l], x);
    const int n = sweeps(l);
    if (l + 1 == boxes_.size()) {
      smooth(l, x, rhs, std::max(n, set_.max_sweeps), true);
      smooth(l, x, rhs, std::max(n, set_.max_sweeps), false);
      return;
    }
    smooth(l, x, rhs, n, true);
    Scratch& c = scratch_[l + 1];
    Exec::mg_wrap_halo(boxes_[l], kind_, x);
    Exec::mg_restrict(boxes_[l], op_of(l), x, rhs, boxes_[l + 1], c.b.data());
    vcycle(l + 1, c.x.data(), c.b.data());
    Exec::mg_prolong(boxes_[l + 1], c.x.data(), boxes_[l], op_of(l), x);
    smooth(l, x, rhs, n, false);
  }

  SolveStats finish(SolveStats st, double rr, double ref) const {
    st.residual = ref > 0 ? std::sqrt(rr) / ref : 0.0;
    st.factor = st.iterations > 0 && st.initial > 0
                    ? std::pow(std::sqrt(rr) / st.initial, 1.0 / st.iterations)
                    : 0.0;
    return st;
  }

  MultigridSettings set_;
  std::vector<Box> boxes_;
  BoundaryKind kind_[kFaces] = {};
  typename Exec::template Array<std::uint8_t> kinds_;  // the finest level's voxel kinds
  Array diag0_, w0_[3];                                // the finest level's operator
  Array p_, q_, z_;                                    // conjugate-gradient vectors
  std::vector<Scratch> scratch_;                       // per level (unused at level 0)
  Coarse own_;                                         // build(spec)'s coarse levels
  const Coarse* coarse_ = nullptr;                     // the coarse levels of this solve
};

}  // namespace lobule

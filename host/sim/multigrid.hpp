/// Geometric multigrid solves of (1 + a·ℓ)·x − a·∇·(D∇x) = b on one execution space: the
/// hierarchy of kernels/multigrid.hpp, a V-cycle with red–black Gauss–Seidel (more sweeps on the
/// cheaper coarse levels), and conjugate gradients preconditioned by one V-cycle per iteration.
/// Written once over the primitives of Exec (CpuExec, CudaExec); every decision comes from a
/// reduction over the whole grid, every sweep needs only its neighbours (halo exchange).
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
  int iterations = 0;       ///< conjugate-gradient iterations (V-cycles)
  double residual = 0;      ///< final ‖r‖₂ / max(‖b‖₂, scale)
  double factor = 0;        ///< mean reduction of ‖r‖₂ per iteration (0 when none was needed)
  double initial = 0;       ///< ‖b‖₂
};

template <class T, class Exec>
class Multigrid {
 public:
  using Array = typename Exec::template Array<T>;

  explicit Multigrid(MultigridSettings s = {}) : set_(s) {}

  const MultigridSettings& settings() const { return set_; }

  /// Builds every level's operator for `spec` (arrays allocated on the first call and when the box
  /// changes).
  void build(const MgFineSpec<T>& spec) {
    if (levels_.empty() || !same_box(levels_[0].box, spec.box)) allocate(spec.box);
    for (int f = 0; f < kFaces; ++f) kind_[f] = spec.kind[f];
    Level& f0 = levels_[0];
    T* w0[3] = {f0.w[0].data(), f0.w[1].data(), f0.w[2].data()};
    Exec::mg_build_fine(spec, f0.diag.data(), w0);
    for (auto& w : f0.w) Exec::mg_wrap_halo(f0.box, kind_, w.data());
    for (std::size_t l = 1; l < levels_.size(); ++l) {
      const MgLevelArrays<T> c = arrays(levels_[l]);
      if (l == 1)
        Exec::mg_coarsen_fine(spec, c);
      else
        Exec::mg_coarsen(arrays(levels_[l - 1]), kind_, c);
      for (int a = 0; a < 3; ++a) Exec::mg_wrap_halo(c.box, kind_, c.w[a]);
      Exec::mg_finish_diag(c);
    }
  }

  /// Solves A x = b by preconditioned conjugate gradients from x = 0: on entry r holds b, on exit
  /// the residual b − A x (both zero outside the unknowns). `scale` is the norm the tolerance is
  /// relative to besides ‖b‖ (MultigridSettings::tolerance). Throws NumericalError, naming `what`,
  /// when the iteration does not converge or breaks down. `history`, when given, receives
  /// ‖r‖₂/‖b‖₂ after each iteration.
  SolveStats solve(T* x, T* r, double scale, const char* what,
                   std::vector<double>* history = nullptr) {
    const Box& b = levels_[0].box;
    const MgOperator<T> op = op_of(levels_[0]);
    Exec::mg_zero(b, x);
    double rr = Exec::mg_dot(b, r, r);
    SolveStats st;
    st.initial = std::sqrt(rr);
    const double ref = std::max(st.initial, scale);
    const double goal = set_.tolerance * ref;
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

  /// Number of levels, and the box of level l.
  std::size_t levels() const { return levels_.size(); }
  const Box& box(std::size_t l) const { return levels_[l].box; }

  /// Bytes allocated on the device (every level and the iteration vectors).
  std::size_t bytes() const {
    std::size_t words = p_.size() + q_.size() + z_.size();
    for (const Level& lv : levels_) {
      words += lv.diag.size() + lv.x.size() + lv.b.size() + lv.mass.size();
      for (int a = 0; a < 3; ++a) {
        words += lv.w[a].size();
        for (int s = 0; s < 2; ++s) words += lv.kappa[a][s].size() + lv.g[a][s].size();
      }
    }
    return words * sizeof(T);
  }

 private:
  struct Level {
    Box box;
    Array diag, w[3];
    Array x, b;                          // coarse levels: correction and restricted residual
    Array mass, kappa[3][2], g[3][2];    // coarse levels: what the next coarsening reads
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
    levels_.clear();
    const std::vector<Box> boxes = mg_level_boxes(fine);
    for (std::size_t l = 0; l < boxes.size(); ++l) {
      Level lv;
      lv.box = boxes[l];
      lv.diag = zeroed(lv.box);
      for (auto& w : lv.w) w = zeroed(lv.box);
      if (l > 0) {
        lv.x = zeroed(lv.box);
        lv.b = zeroed(lv.box);
        lv.mass = zeroed(lv.box);
        for (int a = 0; a < 3; ++a)
          for (int s = 0; s < 2; ++s) lv.kappa[a][s] = zeroed(lv.box), lv.g[a][s] = zeroed(lv.box);
      }
      levels_.push_back(std::move(lv));
    }
    p_ = zeroed(fine);
    q_ = zeroed(fine);
    z_ = zeroed(fine);
  }

  static MgLevelArrays<T> arrays(Level& lv) {
    MgLevelArrays<T> a;
    a.box = lv.box;
    a.diag = lv.diag.data();
    a.mass = lv.mass.data();
    for (int k = 0; k < 3; ++k) {
      a.w[k] = lv.w[k].data();
      for (int s = 0; s < 2; ++s) a.kappa[k][s] = lv.kappa[k][s].data(), a.g[k][s] = lv.g[k][s].data();
    }
    return a;
  }

  static MgOperator<T> op_of(Level& lv) {
    MgOperator<T> op;
    op.sy = lv.box.sy();
    op.sz = lv.box.sz();
    op.diag = lv.diag.data();
    for (int a = 0; a < 3; ++a) op.w[a] = lv.w[a].data();
    return op;
  }

  int sweeps(std::size_t l) const { return mg_level_sweeps(l, set_.sweeps, set_.max_sweeps); }

  // The colours in order (`forward`: red, black, then the last planes of odd periodic axes) or in
  // reverse: the sweeps after the coarse correction run in the reverse order of those before it,
  // so that the V-cycle is a symmetric preconditioner.
  void smooth(std::size_t l, T* x, const T* rhs, int n, bool forward) {
    Level& lv = levels_[l];
    const MgOperator<T> op = op_of(lv);
    const unsigned odd = mg_odd_periodic(lv.box, kind_);
    for (int s = 0; s < n; ++s)
      for (int q = 0; q < kMgColours; ++q) {
        const int c = forward ? q : kMgColours - 1 - q;
        if (!mg_colour_used(c, odd)) continue;
        Exec::mg_wrap_halo(lv.box, kind_, x);
        Exec::mg_smooth(lv.box, op, x, rhs, c, odd);
      }
  }

  // x ≈ A_l⁻¹·rhs from x = 0: one V-cycle (the coarsest level smoothed to convergence).
  void vcycle(std::size_t l, T* x, const T* rhs) {
    Level& lv = levels_[l];
    Exec::mg_zero(lv.box, x);
    const int n = sweeps(l);
    if (l + 1 == levels_.size()) {
      smooth(l, x, rhs, std::max(n, set_.max_sweeps), true);
      smooth(l, x, rhs, std::max(n, set_.max_sweeps), false);
      return;
    }
    smooth(l, x, rhs, n, true);
    Level& c = levels_[l + 1];
    Exec::mg_wrap_halo(lv.box, kind_, x);
    Exec::mg_restrict(lv.box, op_of(lv), x, rhs, c.box, c.b.data());
    vcycle(l + 1, c.x.data(), c.b.data());
    Exec::mg_prolong(c.box, c.x.data(), lv.box, op_of(lv), x);
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
  std::vector<Level> levels_;
  BoundaryKind kind_[kFaces] = {};
  Array p_, q_, z_;
};

}  // namespace lobule

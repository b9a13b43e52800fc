/// Geometric multigrid for the implicit diffusion step, per-voxel formulas shared by the CPU and
/// CUDA backends (docs/time-integration.md, "The implicit scheme"). Each level holds the
/// cell-centred 7-point operator
///   (A x)_c = diag_c·x_c − Σ_axes [w_a(c)·x_{c+e_a} + w_a(c−e_a)·x_{c−e_a}]        [conc]
/// on the voxels that are unknowns ("free": tissue not held by a vessel; diag = 0 elsewhere and
/// every face to them is 0). On the finest level, for a step coefficient a [s],
///   diag_c = 1 + a·ℓ_c + Σ_faces a·D_f/h²,   w_a(c) = a·D_f/h²   (D_f harmonic face diffusivity),
/// the faces to held voxels and Dirichlet domain faces in diag only (the correction is zero there).
/// Coarse levels aggregate 2×2×2 cells (an axis of extent 1 is not coarsened); their operators
/// come from conductances, not from a Galerkin product: a cell's half-cell conductances (centre to
/// face) combine in series along an axis and in parallel over the columns of children, so that
/// a scar layer inside a coarse cell still resists as it does on the fine grid, and a coupling to
/// a Dirichlet point (a held voxel, a Dirichlet face) keeps its distance from the coarse centre
/// (docs/time-integration.md explains the choice against scaled Galerkin products). Restriction
/// sums the children's residuals; prolongation adds the coarse correction to every free child.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "boundary.hpp"
#include "diffusion_stencil.hpp"
#include "frozen_rates.hpp"
#include "grid.hpp"
#include "rd_macros.hpp"
#include "vessels.hpp"
#include "voxel_class.hpp"

namespace lobule {

/// The operator of one level: diag and the + face of each axis per voxel (padded layout; the
/// halo of w holds the wrap faces of periodic axes and 0 elsewhere).
template <class T>
struct MgOperator {
  std::size_t sy = 0, sz = 0;  ///< padded strides
  const T* diag = nullptr;
  const T* w[3] = {nullptr, nullptr, nullptr};
};

/// Σ_axes [w_a(c)·x_{c+e_a} + w_a(c−e_a)·x_{c−e_a}]: the neighbours' part of (A x)_c.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T mg_neighbours(const MgOperator<T>& op, const T* __restrict__ x,
                                                std::size_t c) {
  const std::size_t sy = op.sy, sz = op.sz;  // written out by axis: the row loops vectorize
  return (op.w[0][c] * x[c + 1] + op.w[0][c - 1] * x[c - 1]) +
         (op.w[1][c] * x[c + sy] + op.w[1][c - sy] * x[c - sy]) +
         (op.w[2][c] * x[c + sz] + op.w[2][c - sz] * x[c - sz]);
}

/// (A x)_c.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T mg_apply_at(const MgOperator<T>& op, const T* __restrict__ x,
                                              std::size_t c) {
  return op.diag[c] * x[c] - mg_neighbours(op, x, c);
}

/// The Gauss–Seidel value of voxel c, x_c = (b_c + Σ w·x_nb)/diag_c; 0 where diag is 0 (not an
/// unknown).
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T mg_gauss_seidel_at(const MgOperator<T>& op,
                                                     const T* __restrict__ x,
                                                     const T* __restrict__ b, std::size_t c) {
  // Arithmetic instead of a branch (on = 1 or 0; d + 1 − on is d itself at an unknown), so that
  // row loops vectorize: the same value as the branch.
  const T d = op.diag[c];
  const T on = T(d > T(0));
  return on * ((b[c] + mg_neighbours(op, x, c)) / (d + (T(1) - on)));
}

/// Conductances in series, a·b/(a + b); 0 when either is 0 (a closed path).
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T mg_series(T a, T b) {
  return (a > T(0) && b > T(0)) ? a * b / (a + b) : T(0);
}

/// What the coarsening needs of one cell of a level: whether it is an unknown, its mass, its
/// half-cell conductances κ (centre to its −/+ face per axis), its couplings G to Dirichlet points
/// per side, and its + face w. All conductances carry the step coefficient: [1]·(cell volume).
template <class T>
struct MgCell {
  bool free = false;
  T mass = T(0);
  T kappa[3][2] = {};  ///< [axis][0: − side, 1: + side]
  T g[3][2] = {};      ///< coupling to Dirichlet points on that side
  T w[3] = {};         ///< the + face of each axis
  T wm[3] = {};        ///< the − face of each axis (finest level only: its diagonal)
};

/// What a voxel of the finest level is to the operator (MgFineSpec::kinds, halo included): not
/// part of it (outside the tissue, or the halo of a no-flux face), an unknown, a held voxel (its
/// value a Dirichlet point at its centre), or the halo of a Dirichlet domain face (its value sits
/// on the face, h/2 from the voxel beside it). A periodic face's halo takes the kind of the voxel
/// it copies.
enum MgVoxelKind : std::uint8_t { kMgClosed = 0, kMgFree = 1, kMgHeld = 2, kMgDirichletFace = 3 };

/// The kind of interior voxel c from its label and the held labels.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE std::uint8_t mg_voxel_kind(std::uint8_t label,
                                                           const VesselTable<T>& held) {
  return !is_tissue(label) ? kMgClosed : (held.holds(label) ? kMgHeld : kMgFree);
}

/// The kind a halo voxel of face f takes: the copied voxel's for a periodic face (`copied`), a
/// Dirichlet face's own, or closed (no flux).
RD_HOST_DEVICE inline std::uint8_t mg_halo_kind(BoundaryKind face, std::uint8_t copied) {
  return face == BoundaryKind::Periodic    ? copied
         : face == BoundaryKind::Dirichlet ? std::uint8_t(kMgDirichletFace)
                                           : std::uint8_t(kMgClosed);
}

/// Halo voxel n of face f of the kinds array (after its interior): mg_halo_kind.
RD_HOST_DEVICE inline void mg_kind_halo_cell(const Box& b, const BoundaryKind* kind, int f,
                                             std::size_t n, std::uint8_t* out) {
  const FacePlanes p = face_planes(b, f);
  const std::size_t n1 = std::size_t(b.extent(p.axis1));
  const std::size_t o = (n % n1) * b.stride(p.axis1) + (n / n1) * b.stride(p.axis2);
  out[p.halo + o] = mg_halo_kind(kind[f], out[p.opposite + o]);
}

/// The finest level's operator: (1 + a·ℓ)·x − a·∇·(D∇x) on the voxels that are tissue and not
/// held. `ih2` includes the factor that makes D a diffusivity (d_free for a hindrance).
template <class T>
struct MgFineSpec {
  Box box;
  const std::uint8_t* label = nullptr;
  VesselTable<T> held;   ///< which labels are held (their values do not matter here)
  const T* D = nullptr;  ///< diffusivity per voxel (padded, halo filled by the boundary kinds)
  InvH2<T> ih2{};
  FrozenRates<T> rates;  ///< the loss rate ℓ (array or constant); production is not used
  T a = T(0);            ///< step coefficient [s]
  BoundaryKind kind[kFaces] = {};
  const std::uint8_t* kinds = nullptr;  ///< MgVoxelKind per voxel, halo included (mg_kinds)
};

/// Whether padded voxel c is an unknown of the fine operator: tissue and not held.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE bool mg_fine_free(const MgFineSpec<T>& s, std::size_t c) {
  return s.kinds[c] == kMgFree;
}

/// The fine cell at padded voxel c (see MgCell): face conductances a·D_f/h² to free neighbours
/// (w, wm) or to held ones (g), 2·a·D_c/h² to a Dirichlet domain face (its value sits h/2 away;
/// the halo's D is the voxel's own, so that D_f = D_c), half-cell conductances 2·a·D_c/h², mass
/// 1 + a·ℓ; all zero where c is not an unknown. Written without branches (the kinds enter as 0/1
/// factors), so that the row loops of the build vectorize.
template <class T, class Rates>
RD_HOST_DEVICE RD_ALWAYS_INLINE MgCell<T> mg_fine_cell_at(const MgFineSpec<T>& s, const Rates& r,
                                                          std::size_t c) {
  MgCell<T> m;
  const std::uint8_t* kd = s.kinds;
  m.free = kd[c] == kMgFree;
  const T on = T(m.free);
  m.mass = on * (T(1) + s.a * r.loss(c));
  const T dc = s.D[c];
  const T ih2[3] = {s.ih2.x, s.ih2.y, s.ih2.z};
  const std::size_t stride[3] = {1, s.box.sy(), s.box.sz()};
  for (int a = 0; a < 3; ++a) {
    const T unit = on * s.a * ih2[a];
    for (int side = 0; side < 2; ++side) {
      const std::size_t n = side ? c + stride[a] : c - stride[a];
      const std::uint8_t kn = kd[n];
      const T f = unit * face_diffusivity(dc, s.D[n]);
      m.kappa[a][side] = T(2) * unit * dc;
      m.g[a][side] = T(kn == kMgHeld) * f + T(kn == kMgDirichletFace) * (T(2) * f);
      (side ? m.w[a] : m.wm[a]) = T(kn == kMgFree) * f;
    }
  }
  return m;
}

/// mg_fine_cell_at at interior voxel (i, j, k).
template <class T, class Rates>
RD_HOST_DEVICE inline MgCell<T> mg_fine_cell(const MgFineSpec<T>& s, const Rates& r, int i, int j,
                                             int k) {
  return mg_fine_cell_at(s, r, s.box.idx(i, j, k));
}

/// The diagonal of a cell from its mass, its six faces and its Dirichlet couplings; 0 where it is
/// not an unknown.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T mg_diagonal(const MgCell<T>& m, const T w_minus[3]) {
  T d = m.mass;
  for (int a = 0; a < 3; ++a) d += m.w[a] + w_minus[a] + m.g[a][0] + m.g[a][1];
  return T(m.free) * d;
}

/// A stored coarse level as the coarsening reads it (mass > 0 marks an unknown).
template <class T>
struct MgLevelArrays {
  Box box;
  T* diag = nullptr;
  T* w[3] = {nullptr, nullptr, nullptr};
  T* mass = nullptr;
  T* kappa[3][2] = {};
  T* g[3][2] = {};
};

/// Writes cell m of a stored coarse level at padded index c (its diag: mg_level_diagonal).
template <class T>
RD_HOST_DEVICE inline void mg_store(const MgLevelArrays<T>& lv, std::size_t c, const MgCell<T>& m) {
  lv.mass[c] = m.mass;
  for (int a = 0; a < 3; ++a) {
    lv.w[a][c] = m.w[a];
    for (int s = 0; s < 2; ++s) lv.kappa[a][s][c] = m.kappa[a][s], lv.g[a][s][c] = m.g[a][s];
  }
}

/// The diagonal of stored coarse cell c from its mass, six faces (w's halo wrapped) and
/// Dirichlet couplings.
template <class T>
RD_HOST_DEVICE inline T mg_level_diagonal(const MgLevelArrays<T>& lv, std::size_t c) {
  const std::size_t s[3] = {1, lv.box.sy(), lv.box.sz()};
  MgCell<T> m;
  m.mass = lv.mass[c];
  m.free = m.mass > T(0);
  T wm[3];
  for (int a = 0; a < 3; ++a) {
    m.w[a] = lv.w[a][c];
    wm[a] = lv.w[a][c - s[a]];
    m.g[a][0] = lv.g[a][0][c], m.g[a][1] = lv.g[a][1][c];
  }
  return mg_diagonal(m, wm);
}

/// Reads cell (i, j, k) of the finest level: the whole cell from its spec (mg_fine_cell), its half
/// cells and + faces, which the columns of the coarsening read many times, cheaply: κ = 2·a·D/h²
/// from D, the faces from the finest level's stored w.
template <class T, class Rates>
struct MgFineSource {
  MgFineSpec<T> spec;
  Rates rates;
  const T* w[3] = {nullptr, nullptr, nullptr};  ///< the finest level's + faces (mg_build_fine)
  RD_HOST_DEVICE MgCell<T> cell(int i, int j, int k) const {
    return mg_fine_cell(spec, rates, i, j, k);
  }
  RD_HOST_DEVICE bool free(int i, int j, int k) const {
    return mg_fine_free(spec, spec.box.idx(i, j, k));
  }
  /// κ of the free cell (i, j, k) along axis a (the same on both sides).
  RD_HOST_DEVICE T kappa(int i, int j, int k, int a, int /*side*/) const {
    const T ih2 = a == 0 ? spec.ih2.x : (a == 1 ? spec.ih2.y : spec.ih2.z);
    const std::size_t c = spec.box.idx(i, j, k);
    return T(spec.kinds[c] == kMgFree) * T(2) * spec.a * ih2 * spec.D[c];
  }
  RD_HOST_DEVICE T face(int i, int j, int k, int a) const { return w[a][spec.box.idx(i, j, k)]; }
  RD_HOST_DEVICE const Box& box() const { return spec.box; }
  RD_HOST_DEVICE const BoundaryKind* kind() const { return spec.kind; }
};

/// Reads cell (i, j, k) of a stored coarse level.
template <class T>
struct MgCoarseSource {
  MgLevelArrays<T> lv;
  BoundaryKind kinds[kFaces] = {};
  RD_HOST_DEVICE MgCell<T> cell(int i, int j, int k) const {
    MgCell<T> m;
    const std::size_t c = lv.box.idx(i, j, k);
    m.mass = lv.mass[c];
    m.free = m.mass > T(0);
    for (int a = 0; a < 3; ++a) {
      m.w[a] = lv.w[a][c];
      for (int s = 0; s < 2; ++s) m.kappa[a][s] = lv.kappa[a][s][c], m.g[a][s] = lv.g[a][s][c];
    }
    return m;
  }
  RD_HOST_DEVICE bool free(int i, int j, int k) const {
    return lv.mass[lv.box.idx(i, j, k)] > T(0);
  }
  RD_HOST_DEVICE T kappa(int i, int j, int k, int a, int side) const {
    return lv.kappa[a][side][lv.box.idx(i, j, k)];
  }
  RD_HOST_DEVICE T face(int i, int j, int k, int a) const { return lv.w[a][lv.box.idx(i, j, k)]; }
  RD_HOST_DEVICE const Box& box() const { return lv.box; }
  RD_HOST_DEVICE const BoundaryKind* kind() const { return kinds; }
};

/// Extent of the coarse axis for a fine extent n: halved (rounded up) when n > 1.
RD_HOST_DEVICE inline int mg_coarse_extent(int n) {
  return n > 1 ? (n + 1) / 2 : 1;
}

/// Whether the coarsening from fine box f halves axis a.
RD_HOST_DEVICE inline bool mg_coarsens(const Box& f, int a) {
  return f.extent(a) > 1;
}

/// A level of at most this many cells is the coarsest (smoothed to convergence).
inline constexpr std::size_t kMgCoarsestCells = 16;

/// The boxes of the levels of a hierarchy on `fine`: each the 2×2×2 coarsening of the one before
/// (axes of extent 1 kept), down to at most kMgCoarsestCells cells.
inline std::vector<Box> mg_level_boxes(const Box& fine) {
  std::vector<Box> boxes{fine};
  while (boxes.back().interior() > kMgCoarsestCells) {
    const Box f = boxes.back();
    if (!mg_coarsens(f, 0) && !mg_coarsens(f, 1) && !mg_coarsens(f, 2)) break;
    Box c;
    c.nx = mg_coarse_extent(f.nx), c.ny = mg_coarse_extent(f.ny), c.nz = mg_coarse_extent(f.nz);
    c.ox = f.ox / 2, c.oy = f.oy / 2, c.oz = f.oz / 2;  // a rank's box would start even
    c.gx = mg_coarse_extent(f.gx), c.gy = mg_coarse_extent(f.gy), c.gz = mg_coarse_extent(f.gz);
    boxes.push_back(c);
  }
  return boxes;
}

/// Gauss–Seidel sweeps on level l of a V-cycle: `sweeps` on the finest, doubled per coarser level
/// up to `max_sweeps` (coarse levels are cheap and smooth the errors their coarsening blurs).
inline int mg_level_sweeps(std::size_t l, int sweeps, int max_sweeps) {
  const long long n = (long long)sweeps << (l < 20 ? l : 20);
  return int(n < max_sweeps ? n : max_sweeps);
}

/// The cost of one V-cycle with its conjugate-gradient iteration in sweeps of the finest grid
/// (one sweep: a 7-point stencil over every voxel): per level its Gauss–Seidel sweeps before and
/// after, the residual it restricts, all weighted by its size; plus the iteration's product A·z.
inline double mg_cycle_sweeps(const Box& fine, int sweeps, int max_sweeps) {
  const std::vector<Box> boxes = mg_level_boxes(fine);
  double cost = 1;  // A·z
  for (std::size_t l = 0; l < boxes.size(); ++l) {
    const int n = mg_level_sweeps(l, sweeps, max_sweeps);
    // The coarsest level is smoothed max(n, max_sweeps) times each way and restricts nothing.
    const int passes = l + 1 == boxes.size() ? 2 * (n > max_sweeps ? n : max_sweeps) : 2 * n + 1;
    cost += double(passes) * double(boxes[l].interior()) / double(fine.interior());
  }
  return cost;
}

/// The path conductances of one column (fixed offsets along the other axes) of coarse cell P
/// along axis a: from P's centre to its − face (`minus`) and to its + face (`plus`), and the
/// fine cell whose + face is P's + face in this column (`last`, as fine coordinates).
template <class T>
struct MgColumn {
  T minus = T(0), plus = T(0);
  int last[3] = {0, 0, 0};
};

/// Column of coarse cell P = (I, J, K) along axis a at child offsets o (o[a] ignored).
/// With both children free: the centre of P sits on the face between them, and each path is a
/// whole child, its two half cells in series. With one child: the path runs from that child's
/// centre (a single child at the odd end of the grid is P's centre).
template <class T, class Src>
RD_HOST_DEVICE inline MgColumn<T> mg_column(const Src& src, int I, int J, int K, int a,
                                            const int o[3]) {
  MgColumn<T> col;
  const Box& f = src.box();
  const int P[3] = {I, J, K};
  int lo[3], hi[3];
  for (int b = 0; b < 3; ++b) {
    const int base = mg_coarsens(f, b) ? 2 * P[b] : P[b];
    lo[b] = hi[b] = base + (b == a ? 0 : o[b]);
  }
  if (mg_coarsens(f, a)) hi[a] = lo[a] + 1;
  const bool hi_exists = mg_coarsens(f, a) && hi[a] < f.extent(a);
  const bool l_free = src.free(lo[0], lo[1], lo[2]);
  const bool h_free = hi_exists && src.free(hi[0], hi[1], hi[2]);
  const auto kappa = [&](const int* q, int side) { return src.kappa(q[0], q[1], q[2], a, side); };
  if (l_free && h_free) {
    col.minus = mg_series(kappa(lo, 0), kappa(lo, 1));
    col.plus = mg_series(kappa(hi, 0), kappa(hi, 1));
  } else {
    col.minus = l_free ? kappa(lo, 0) : T(0);
    col.plus = h_free ? kappa(hi, 1) : (!hi_exists && l_free ? kappa(lo, 1) : T(0));
  }
  for (int b = 0; b < 3; ++b) col.last[b] = hi_exists ? hi[b] : lo[b];
  return col;
}

/// The coarse cell P = (I, J, K) of the level above `src` (see the file comment): its mass,
/// half-cell conductances, Dirichlet couplings and + faces. P's + neighbour wraps on a periodic
/// axis; on a non-periodic one the last cell's + face is 0.
template <class T, class Src>
RD_HOST_DEVICE inline MgCell<T> mg_coarse_cell(const Src& src, const Box& coarse, int I, int J,
                                               int K) {
  MgCell<T> m;
  const Box& f = src.box();
  const int P[3] = {I, J, K};
  int n_off[3];
  for (int b = 0; b < 3; ++b) n_off[b] = mg_coarsens(f, b) ? 2 : 1;
  // Mass and Dirichlet couplings, child by child.
  for (int oz = 0; oz < n_off[2]; ++oz)
    for (int oy = 0; oy < n_off[1]; ++oy)
      for (int ox = 0; ox < n_off[0]; ++ox) {
        const int o[3] = {ox, oy, oz};
        int q[3];
        bool inside = true;
        for (int b = 0; b < 3; ++b) {
          q[b] = (mg_coarsens(f, b) ? 2 * P[b] : P[b]) + o[b];
          inside = inside && q[b] < f.extent(b);
        }
        if (!inside) continue;
        const MgCell<T> ch = src.cell(q[0], q[1], q[2]);
        if (!ch.free) continue;
        m.free = true;
        m.mass += ch.mass;
        for (int a = 0; a < 3; ++a) {
          const bool sibling = mg_coarsens(f, a) && (o[a] == 1 || q[a] + 1 < f.extent(a));
          for (int s = 0; s < 2; ++s) {
            const T g = ch.g[a][s];
            if (!(g > T(0))) continue;
            if (!sibling) {  // not coarsened, or a single child: P's centre is the child's
              m.g[a][s] += g;
              continue;
            }
            // The half cell from the child's centre towards P's centre.
            const T inner = ch.kappa[a][o[a] == 0 ? 1 : 0];
            if (s == o[a]) {  // outward: the Dirichlet point lies beyond the child
              m.g[a][s] += mg_series(g, inner);
              continue;
            }
            // Inward: the point lies towards P's centre; what is left of its resistance after the
            // half cell decides on which side of the centre it sits.
            const T rest = inner > T(0) ? T(1) / g - T(1) / inner : T(1) / g;
            const T cap = T(8) * g;  // a point at P's centre would pin it
            const T gp = rest > T(0) ? T(1) / rest : (rest < T(0) ? T(-1) / rest : cap);
            m.g[a][rest >= T(0) ? s : 1 - s] += gp < cap ? gp : cap;
          }
        }
      }
  if (!m.free) return m;
  // Half-cell conductances and + faces, column by column.
  for (int a = 0; a < 3; ++a) {
    const int b1 = (a + 1) % 3, b2 = (a + 2) % 3;
    int Q[3] = {P[0], P[1], P[2]};
    bool has_q = true;
    if (Q[a] + 1 < coarse.extent(a))
      ++Q[a];
    else if (src.kind()[2 * a + 1] == BoundaryKind::Periodic)
      Q[a] = 0;
    else
      has_q = false;
    for (int o2 = 0; o2 < n_off[b2]; ++o2)
      for (int o1 = 0; o1 < n_off[b1]; ++o1) {
        int o[3] = {0, 0, 0};
        o[b1] = o1;
        o[b2] = o2;
        // Columns beyond the fine grid's extent along the other axes do not exist.
        if ((mg_coarsens(f, b1) ? 2 * P[b1] : P[b1]) + o1 >= f.extent(b1)) continue;
        if ((mg_coarsens(f, b2) ? 2 * P[b2] : P[b2]) + o2 >= f.extent(b2)) continue;
        const MgColumn<T> cp = mg_column<T>(src, P[0], P[1], P[2], a, o);
        m.kappa[a][0] += cp.minus;
        m.kappa[a][1] += cp.plus;
        if (!has_q || !(cp.plus > T(0))) continue;
        // The fine face that crosses from P to Q in this column must be open.
        if (!(src.face(cp.last[0], cp.last[1], cp.last[2], a) > T(0))) continue;
        const MgColumn<T> cq = mg_column<T>(src, Q[0], Q[1], Q[2], a, o);
        m.w[a] += mg_series(cp.plus, cq.minus);
      }
  }
  return m;
}

/// (b − A x) at fine voxel c where it is an unknown, 0 elsewhere.
template <class T>
RD_HOST_DEVICE RD_ALWAYS_INLINE T mg_residual_at(const MgOperator<T>& op, const T* __restrict__ x,
                                                 const T* __restrict__ b, std::size_t c) {
  return T(op.diag[c] > T(0)) * (b[c] - mg_apply_at(op, x, c));
}

/// Σ over the children of coarse cell (I, J, K) of (b − A x) at free children: the restricted
/// residual (`op` the fine level's operator). Summed row by row of children, each row's pair
/// first (the order of the CPU's vectorized rows, so that both backends give the same bits).
template <class T>
RD_HOST_DEVICE inline T mg_restrict_at(const Box& fine, const MgOperator<T>& op,
                                       const T* __restrict__ x, const T* __restrict__ b, int I,
                                       int J, int K) {
  const int n[3] = {mg_coarsens(fine, 0) ? 2 : 1, mg_coarsens(fine, 1) ? 2 : 1,
                    mg_coarsens(fine, 2) ? 2 : 1};
  const int base[3] = {n[0] == 2 ? 2 * I : I, n[1] == 2 ? 2 * J : J, n[2] == 2 ? 2 * K : K};
  T sum = T(0);
  for (int oz = 0; oz < n[2]; ++oz)
    for (int oy = 0; oy < n[1]; ++oy) {
      const int j = base[1] + oy, k = base[2] + oz;
      if (j >= fine.ny || k >= fine.nz) continue;
      const int i = base[0];
      const T r0 = mg_residual_at(op, x, b, fine.idx(i, j, k));
      const T r1 =
          n[0] == 2 && i + 1 < fine.nx ? mg_residual_at(op, x, b, fine.idx(i + 1, j, k)) : T(0);
      sum += n[0] == 2 ? r0 + r1 : r0;
    }
  return sum;
}

/// The coarse cell of fine interior voxel (i, j, k).
RD_HOST_DEVICE inline std::size_t mg_parent(const Box& fine, const Box& coarse, int i, int j,
                                            int k) {
  return coarse.idx(mg_coarsens(fine, 0) ? i / 2 : i, mg_coarsens(fine, 1) ? j / 2 : j,
                    mg_coarsens(fine, 2) ? k / 2 : k);
}

/// The axes along which a Gauss–Seidel colouring by parity fails: periodic with an odd number of
/// voxels (the last and the first voxel are neighbours of the same parity). Bit a for axis a.
RD_HOST_DEVICE inline unsigned mg_odd_periodic(const Box& b, const BoundaryKind* kind) {
  const int g[3] = {b.gx, b.gy, b.gz};
  unsigned bits = 0;
  for (int a = 0; a < 3; ++a)
    if (kind[2 * a] == BoundaryKind::Periodic && (g[a] % 2) == 1) bits |= 1u << a;
  return bits;
}

/// The Gauss–Seidel colour of voxel (i, j, k): the parity of i + j + k in global coordinates
/// (red 0, black 1), plus 2, 4, 8 for a voxel in the last plane of an odd periodic axis x, y, z
/// (`odd`, mg_odd_periodic). No two neighbours share a colour, so each colour updates in
/// parallel; the colours with bits outside `odd` are empty.
RD_HOST_DEVICE inline int mg_colour(const Box& b, unsigned odd, int i, int j, int k) {
  const int q[3] = {i + b.ox, j + b.oy, k + b.oz}, g[3] = {b.gx, b.gy, b.gz};
  int c = (q[0] + q[1] + q[2]) & 1;
  for (int a = 0; a < 3; ++a)
    if (((odd >> a) & 1u) && q[a] == g[a] - 1) c |= 2 << a;
  return c;
}

/// Number of colour values (mg_colour) to sweep: 16; colours whose bits are outside `odd` hold
/// no voxel.
inline constexpr int kMgColours = 16;

/// Whether colour c can hold voxels under `odd`.
RD_HOST_DEVICE inline bool mg_colour_used(int c, unsigned odd) {
  return ((unsigned(c) >> 1) & ~odd) == 0;
}

}  // namespace lobule

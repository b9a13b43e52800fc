// The CPU stencil's shortcuts (kernels/diffusion_stencil.hpp, StencilHint) give the same bits as
// the general harmonic-face stencil they replace: precomputed face values for a varying D, and
// the division- and mask-free forms for a constant-coefficient species. The CUDA kernels use the
// general form, so that CPU and GPU results agree whichever form the CPU takes.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/cpu/diffusion_cpu.hpp"

namespace lobule {
namespace {

constexpr int kNx = 11, kNy = 7, kNz = 5;

template <class T>
struct Fields {
  Box b;
  std::vector<T> u, D;
  std::vector<std::uint8_t> label;
  explicit Fields(bool uniform_d, int nx = kNx, int ny = kNy, int nz = kNz)
      : b(whole_box(nx, ny, nz)) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> x(0.0, 1.0);
    const std::size_t n = b.padded();
    u.resize(n);
    D.resize(n);
    label.assign(n, kOutsideVoxel);
    for (std::size_t c = 0; c < n; ++c) u[c] = T(x(rng));
    for (int k = 0; k < nz; ++k)
      for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
          const std::size_t c = b.idx(i, j, k);
          // A masked pocket and a masked corner row, the rest tissue.
          const bool masked = (i == 4 && j == 3 && k == 2) || (j == 0 && k == 0);
          label[c] = masked ? kOutsideVoxel : std::uint8_t(1);
          D[c] = masked ? T(0) : uniform_d ? T(12.5) : T(1 + 40 * x(rng));
        }
    BoundarySet<T> bc;  // no-flux faces: halos copy the interior
    cpu::fill_halo(b, bc, HaloOf::Diffusivity, D.data());
    cpu::fill_halo(b, bc, HaloOf::Concentration, u.data());
  }
  // One explicit step from `in` (its halo filled first with `fill` when given).
  std::vector<T> step(StencilHint<T> hint, std::vector<T>& in,
                      const BoundarySet<T>* fill = nullptr) const {
    std::vector<T> out(u.size(), T(0)), rate(u.size(), T(0.01));
    const InvH2<T> ih2{T(1) / T(25), T(1) / T(16), T(1) / T(9)};
    cpu::explicit_step_rate(b, ih2, in.data(), D.data(), label.data(), VesselTable<T>{},
                            rate.data(), out.data(), T(0.001), hint, fill,
                            static_cast<T*>(nullptr));
    return out;
  }
  std::vector<T> step(StencilHint<T> hint) const {
    std::vector<T> in = u;
    return step(hint, in);
  }
};

template <class T>
void expect_same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(T)), 0);
}

template <class T>
void faces_match_the_harmonic_stencil() {
  const Fields<T> f(false);
  std::vector<T> fx(f.u.size()), fy(f.u.size()), fz(f.u.size());
  cpu::face_diffusivities(f.b, f.D.data(), fx.data(), fy.data(), fz.data());
  StencilHint<T> faces;
  faces.face[0] = fx.data(), faces.face[1] = fy.data(), faces.face[2] = fz.data();
  const auto general = f.step({}), shortcut = f.step(faces);
  expect_same_bits(general, shortcut);
  EXPECT_NE(general[f.b.idx(5, 3, 2)], f.u[f.b.idx(5, 3, 2)]) << "the step changed nothing";
}

template <class T>
void open_rows_match_the_masked_stencil() {
  const Fields<T> f(true);
  const std::vector<std::uint8_t> rows = cpu::open_rows(f.b, f.D.data());
  // Rows beside the masked voxels are not open; the others are.
  EXPECT_EQ(rows[std::size_t(3) + kNy * std::size_t(2)], 0);
  EXPECT_EQ(rows[std::size_t(0) + kNy * std::size_t(0)], 0);
  EXPECT_EQ(rows[std::size_t(5) + kNy * std::size_t(3)], 1);
  StencilHint<T> masked, open;
  masked.d = open.d = T(12.5);
  open.open_rows = rows.data();
  const auto harmonic = f.step({}), uniform = f.step(masked), mask_free = f.step(open);
  expect_same_bits(uniform, mask_free);
  // The division-free form may differ from the harmonic one in the last bit (2·d·d/(2·d)).
  for (std::size_t c = 0; c < harmonic.size(); ++c)
    EXPECT_NEAR(uniform[c], harmonic[c], 4 * std::numeric_limits<T>::epsilon());
}

// The launchers fill their input's halo row by row as they go (`fill`): the same halo as
// fill_halo, every kind of face, and the same step, on a grid small enough to run serially and on
// one large enough for the threads.
template <class T>
void row_halo_matches_fill_halo(int nx, int ny, int nz) {
  const Fields<T> f(false, nx, ny, nz);
  BoundarySet<T> bc;  // x: Dirichlet 0.3 and 0.7, y: periodic, z: no flux and Dirichlet 0.1
  bc.kind[0] = bc.kind[1] = bc.kind[5] = BoundaryKind::Dirichlet;
  bc.value[0] = T(0.3), bc.value[1] = T(0.7), bc.value[5] = T(0.1);
  bc.kind[2] = bc.kind[3] = BoundaryKind::Periodic;
  std::vector<T> filled = f.u;
  for (int k = -1; k <= nz; ++k)  // garbage in every halo voxel
    for (int j = -1; j <= ny; ++j)
      for (int i = -1; i <= nx; ++i)
        if (i < 0 || j < 0 || k < 0 || i == nx || j == ny || k == nz) filled[f.b.idx(i, j, k)] = -7;
  std::vector<T> as_it_goes = filled;
  cpu::fill_halo(f.b, bc, HaloOf::Concentration, filled.data());
  const auto before = f.step({}, filled), fused = f.step({}, as_it_goes, &bc);
  expect_same_bits(as_it_goes, filled);
  expect_same_bits(fused, before);
  EXPECT_NE(fused[f.b.idx(0, 2, 1)], f.u[f.b.idx(0, 2, 1)]) << "the step changed nothing";
}

TEST(StencilHints, TheHaloFilledRowByRowIsTheHaloOfFillHalo) {
  row_halo_matches_fill_halo<float>(kNx, kNy, kNz);
  row_halo_matches_fill_halo<double>(kNx, kNy, kNz);
  row_halo_matches_fill_halo<float>(41, 33, 29);  // beyond kParallelMinWork
}

TEST(StencilHints, FaceValuesGiveTheBitsOfTheHarmonicStencil) {
  faces_match_the_harmonic_stencil<float>();
  faces_match_the_harmonic_stencil<double>();
}

TEST(StencilHints, OpenRowsGiveTheBitsOfTheMaskedUniformStencil) {
  open_rows_match_the_masked_stencil<float>();
  open_rows_match_the_masked_stencil<double>();
}

}  // namespace
}  // namespace lobule

// The check of every output (check_finite_non_negative): a field passes when each interior value
// is finite and at least −tolerance·max(1, its largest finite value); otherwise the error names
// the species, what the value is and the first such voxel in the tissue (in x-fastest order), or
// one outside the tissue when the tissue is clean. Clean fields take a parallel pass only; these
// cases cover both that pass and the scan that names the voxel.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "host/config/config.hpp"
#include "host/errors.hpp"
#include "host/sim/build_fields.hpp"
#include "host/sim/observables.hpp"

namespace lobule {
namespace {

constexpr int kN = 24;

struct Case {
  Geometry g;
  HostFields<float> f;
};

// Two species on a 24³ box (more rows than threads), uniform 2 and 5.
Case make_case() {
  const Config c = parse_config(
      "grid: { spacing: 5 }\ngeometry: { kind: box, size: [120, 120, 120] }\nspecies:\n"
      "  - { name: a, diffusivity: 10, initial: { kind: uniform, value: 2 } }\n"
      "  - { name: b, diffusivity: 10, initial: { kind: uniform, value: 5 } }\n"
      "time: { end: 1 }\n",
      "check.yaml");
  Case k{make_geometry(c), {}};
  k.f = build_fields<float>(c, k.g);
  return k;
}

float& at(Case& k, int s, int i, int j, int q) {
  return k.f.species[std::size_t(s)].u[k.f.box.idx(i, j, q)];
}

void mark_outside(Case& k, int i, int j, int q) {
  k.g.label[k.g.at(i, j, q)] = kOutside;
  k.f.label[k.f.box.idx(i, j, q)] = kOutside;
}

// The message of the check, or "" when it passes.
std::string failure(const Case& k, double tolerance = 1e-6) {
  try {
    check_finite_non_negative(k.f, k.g, 3.0, 7, tolerance);
  } catch (const NumericalError& e) {
    return e.what();
  }
  return "";
}

TEST(FieldCheck, CleanFieldsPass) {
  Case k = make_case();
  EXPECT_EQ(failure(k), "");
  at(k, 1, 3, 4, 5) = 0.0f;
  at(k, 1, kN - 1, kN - 1, kN - 1) = 1e30f;
  EXPECT_EQ(failure(k), "");
}

// The floor is −tolerance·max(1, largest finite value): 1e-6 × 5 for species b, 1e-6 × 1 when
// every value is below 1.
TEST(FieldCheck, NegativeValuesAreHeldToTheScaleOfTheField) {
  Case k = make_case();
  at(k, 1, 0, 0, 0) = -4e-6f;
  EXPECT_EQ(failure(k), "");
  at(k, 1, 0, 0, 0) = -6e-6f;
  EXPECT_NE(failure(k).find("species 'b' is negative (-6e-06) at voxel (0, 0, 0)"),
            std::string::npos)
      << failure(k);
  Case small = make_case();
  for (float& v : small.f.species[0].u) v = 0.5f;
  at(small, 0, 2, 2, 2) = -2e-6f;  // below −1e-6·max(1, 0.5)
  EXPECT_NE(failure(small).find("species 'a' is negative"), std::string::npos);
  EXPECT_EQ(failure(small, 1e-5), "");
}

TEST(FieldCheck, NonFiniteValuesFailAndDoNotSetTheScale) {
  Case k = make_case();
  at(k, 0, 5, 6, 7) = std::numeric_limits<float>::infinity();
  EXPECT_NE(failure(k).find("species 'a' is inf at voxel (5, 6, 7)"), std::string::npos)
      << failure(k);
  at(k, 0, 5, 6, 7) = 2.0f;
  at(k, 0, 9, 1, 0) = std::numeric_limits<float>::quiet_NaN();
  at(k, 0, 1, 1, 0) = -1e-5f;  // earlier in x-fastest order; beyond the floor of max 2
  EXPECT_NE(failure(k).find("species 'a' is negative (-1e-05) at voxel (1, 1, 0)"),
            std::string::npos)
      << failure(k);
  at(k, 0, 1, 1, 0) = 2.0f;
  EXPECT_NE(failure(k).find("species 'a' is nan at voxel (9, 1, 0)"), std::string::npos)
      << failure(k);
}

TEST(FieldCheck, AVoxelOutsideTheTissueIsNamedOnlyWhenTheTissueIsClean) {
  Case k = make_case();
  mark_outside(k, 0, 0, 0);
  at(k, 1, 0, 0, 0) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_NE(failure(k).find("at voxel (0, 0, 0)"), std::string::npos) << failure(k);
  EXPECT_NE(failure(k).find("outside the tissue"), std::string::npos) << failure(k);
  at(k, 1, 4, kN - 1, kN - 1) = -1.0f;  // later in the grid, but in the tissue
  EXPECT_NE(failure(k).find("species 'b' is negative (-1) at voxel (4, 23, 23)"), std::string::npos)
      << failure(k);
  EXPECT_EQ(failure(k).find("outside the tissue"), std::string::npos) << failure(k);
}

}  // namespace
}  // namespace lobule

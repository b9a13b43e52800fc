/// The reaction of the manufactured solution of tests/test_scheme_convergence.cpp, compiled for
/// both engines (tests/support/mms_kernels.cu instantiates its GPU kernels):
///   u*(c, t) = U0 + a(t)·φ_c, a = A·cos(ωt), for du/dt = A_h u + P(c, t) − k·u·u,
///   P = a'·φ − a·(A_h φ) + k·u*²  (≥ 0 here), a nonlinear loss L(u) = k·u.
#pragma once
#include <cmath>

#include "kernels/reaction.hpp"

namespace lobule::test {

struct MmsReaction {
  static constexpr int kMaxFields = 1;
  const double* phi;  ///< φ on the padded layout, in the memory of the engine that runs it
  const double* psi;  ///< A_h φ, likewise
  double U0, A, omega, k;

  RD_HOST_DEVICE void rates(double t, const VoxelRef& v, int, const double* u, double* P,
                            double* L) const {
    const double a = A * cos(omega * t), da = -A * omega * sin(omega * t);
    const double us = U0 + a * phi[v.c];
    P[0] = da * phi[v.c] - a * psi[v.c] + k * us * us;
    L[0] = k * u[0];
  }
};

}  // namespace lobule::test

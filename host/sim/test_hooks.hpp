/// Fault injection for the test suite, switched on by environment variables only.
#pragma once
#include "stepper.hpp"

namespace lobule {

/// The step after which LOBULE_TEST_INJECT_NAN_AT_STEP asks for a NaN, or −1 when unset.
/// Test-only: it exists so that tests can exercise the numerical-failure path (exit code 4)
/// without an unstable scenario, which the config's dt check rejects.
long long test_nan_step();

/// Puts a NaN into the first species at the centre voxel of the box.
template <class T>
void inject_nan(Stepper<T>& run);

}  // namespace lobule

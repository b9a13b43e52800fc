/// Tests written once and run on every backend (as Kokkos' TEST_EXECSPACE and Ginkgo's common
/// tests do): a value-parameterized fixture over cpu and cuda. The cuda instances skip where no
/// GPU is visible; nothing falls back to the CPU.
#pragma once
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "host/sim/backend.hpp"

namespace lobule::test {

/// Fixture of a test that runs on the backend GetParam().
class EachBackend : public ::testing::TestWithParam<BackendChoice> {
 protected:
  void SetUp() override {
    if (GetParam() == BackendChoice::Cuda && !cuda_available())
      GTEST_SKIP() << "no CUDA GPU visible (or a build without CUDA)";
  }
  /// A fresh engine of this test's backend.
  template <class T>
  std::unique_ptr<Backend<T>> engine() const {
    return make_backend<T>(GetParam());
  }
  const char* backend() const { return to_string(GetParam()); }
};

/// "cpu" / "cuda" as the instance name.
inline std::string backend_name(const ::testing::TestParamInfo<BackendChoice>& info) {
  return to_string(info.param);
}

}  // namespace lobule::test

/// Instantiates the TEST_P tests of fixture Suite (derived from test::EachBackend) for the CPU
/// and the CUDA backend: Suite.Name/cpu and Suite.Name/cuda.
#define LOBULE_EACH_BACKEND(Suite)                                                             \
  INSTANTIATE_TEST_SUITE_P(                                                                    \
      , Suite, ::testing::Values(::lobule::BackendChoice::Cpu, ::lobule::BackendChoice::Cuda), \
      ::lobule::test::backend_name)

/// The CPU loops' instruction set chosen for a test's scope (kernels/cpu/diffusion_cpu_isa.hpp).
#pragma once
#include <gtest/gtest.h>

#include "kernels/cpu/diffusion_cpu_isa.hpp"

namespace lobule::test {

/// Selects `isa` for its lifetime, then the one in use before.
class IsaScope {
 public:
  explicit IsaScope(cpu::CpuIsa isa) : before_(cpu::cpu_isa()) {
    EXPECT_TRUE(cpu::select_cpu_isa(isa));
  }
  ~IsaScope() { cpu::select_cpu_isa(before_); }
  IsaScope(const IsaScope&) = delete;
  IsaScope& operator=(const IsaScope&) = delete;

 private:
  cpu::CpuIsa before_;
};

}  // namespace lobule::test

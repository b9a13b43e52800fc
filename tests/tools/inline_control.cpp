// Positive control of tests/tools/check_inlined.sh: pointers to stencil functions, which make the
// compiler emit out-of-line copies of them, as a loop that failed to inline them would. The
// check must find and name these copies, or it could not find them in the CPU loops either.
#include "kernels/boundary.hpp"
#include "kernels/rkl2.hpp"

namespace lobule::test {

auto* volatile inline_control_halo = &halo_value<float>;
auto* volatile inline_control_stage = &rkl2_stage_value<double>;

}  // namespace lobule::test

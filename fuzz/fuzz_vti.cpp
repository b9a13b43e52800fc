// libFuzzer entry point: see fuzz_inputs.hpp.
#include "fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lobule::fuzz::vti_input(data, size);
  return 0;
}

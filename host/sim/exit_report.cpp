#include "exit_report.hpp"

#include <new>

#include "host/config/config_error.hpp"
#include "host/errors.hpp"
#include "host/io/checkpoint_format.hpp"
#ifdef LOBULE_HAVE_CUDA
#include "kernels/cuda/device.hpp"
#endif

namespace lobule {

ExitReport exit_report(std::exception_ptr p) {
  try {
    std::rethrow_exception(p);
  } catch (const ConfigError& e) {
    return {kExitUsage, "config error", e.what()};
  } catch (const CheckpointError& e) {
    return {kExitUsage, "checkpoint error", e.what()};
  } catch (const InputError& e) {
    return {kExitUsage, "input error", e.what()};
  } catch (const IoError& e) {
    return {kExitIo, "I/O error", e.what()};
  } catch (const NumericalError& e) {
    return {kExitNumerical, "numerical failure", e.what()};
  } catch (const Interrupted& e) {
    return {kExitInterrupted, "interrupted", e.what()};
#ifdef LOBULE_HAVE_CUDA
  } catch (const cuda::CudaError& e) {
    return {kExitIo, "CUDA error", e.what()};
#endif
  } catch (const std::bad_alloc&) {
    return {kExitIo, "out of memory", "the run does not fit in host memory (see `lobule check`)"};
  } catch (const std::exception& e) {
    return {1, "error", e.what()};
  }
}

}  // namespace lobule

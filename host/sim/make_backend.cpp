// Backend selection: auto, cpu or cuda.
#include <fmt/format.h>

#include "backend.hpp"
#include "engine.hpp"
#include "host/errors.hpp"
#ifdef LOBULE_HAVE_CUDA
#include "kernels/cuda/device.hpp"
#endif

namespace lobule {

bool cuda_compiled() {
#ifdef LOBULE_HAVE_CUDA
  return true;
#else
  return false;
#endif
}

bool cuda_available() {
#ifdef LOBULE_HAVE_CUDA
  static const bool any = !cuda::list_gpus().empty();
  return any;
#else
  return false;
#endif
}

BackendChoice resolve_backend(BackendChoice want) {
  if (want == BackendChoice::Cpu) return want;
  if (want == BackendChoice::Auto)
    return cuda_available() ? BackendChoice::Cuda : BackendChoice::Cpu;
  if (!cuda_compiled())
    throw InputError(
        "backend cuda: this lobule was built without the CUDA backend (nvcc not found or "
        "-DLOBULE_CUDA=OFF); use --backend cpu or rebuild with CUDA");
  if (!cuda_available())
    throw InputError("backend cuda: no CUDA GPU is visible (see `lobule info`); use --backend cpu");
  return want;
}

template <class T>
std::unique_ptr<Backend<T>> make_backend(BackendChoice which) {
  const BackendChoice resolved = resolve_backend(which);
#ifdef LOBULE_HAVE_CUDA
  if (resolved == BackendChoice::Cuda) return make_cuda_engine<T>();
#endif
  (void)resolved;
  return std::make_unique<CpuBackend<T>>();
}

template std::unique_ptr<Backend<float>> make_backend<float>(BackendChoice);
template std::unique_ptr<Backend<double>> make_backend<double>(BackendChoice);

template <class T>
SolveStats multigrid_solve(BackendChoice which, const MgHostProblem<T>& p, const std::vector<T>& b,
                           std::vector<T>& x, const MultigridSettings& s,
                           std::vector<double>* history) {
#ifdef LOBULE_HAVE_CUDA
  if (resolve_backend(which) == BackendChoice::Cuda)
    return multigrid_solve_cuda(p, b, x, s, history);
#endif
  (void)which;
  return multigrid_solve_cpu(p, b, x, s, history);
}

template SolveStats multigrid_solve<float>(BackendChoice, const MgHostProblem<float>&,
                                           const std::vector<float>&, std::vector<float>&,
                                           const MultigridSettings&, std::vector<double>*);
template SolveStats multigrid_solve<double>(BackendChoice, const MgHostProblem<double>&,
                                            const std::vector<double>&, std::vector<double>&,
                                            const MultigridSettings&, std::vector<double>*);

}  // namespace lobule

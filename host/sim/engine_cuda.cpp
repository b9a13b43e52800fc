// The CUDA engine (compiled only when nvcc is found); the CPU engine is its test oracle.
#include "engine_impl.hpp"
#include "exec_cuda.hpp"
#include "multigrid_solve_impl.hpp"

namespace lobule {
template class Engine<float, CudaExec>;
template class Engine<double, CudaExec>;

template <class T>
std::unique_ptr<Backend<T>> make_cuda_engine() {
  return std::make_unique<Engine<T, CudaExec>>();
}
template std::unique_ptr<Backend<float>> make_cuda_engine<float>();
template std::unique_ptr<Backend<double>> make_cuda_engine<double>();

template <class T>
SolveStats multigrid_solve_cuda(const MgHostProblem<T>& p, const std::vector<T>& b,
                                std::vector<T>& x, const MultigridSettings& s,
                                std::vector<double>* history) {
  return multigrid_solve_on<T, CudaExec>(p, b, x, s, history);
}
template SolveStats multigrid_solve_cuda<float>(const MgHostProblem<float>&,
                                                const std::vector<float>&, std::vector<float>&,
                                                const MultigridSettings&, std::vector<double>*);
template SolveStats multigrid_solve_cuda<double>(const MgHostProblem<double>&,
                                                 const std::vector<double>&, std::vector<double>&,
                                                 const MultigridSettings&, std::vector<double>*);
}  // namespace lobule

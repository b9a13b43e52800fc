// The CPU (OpenMP) engine.
#include "engine_impl.hpp"
#include "multigrid_solve_impl.hpp"

namespace lobule {
template class Engine<float, CpuExec>;
template class Engine<double, CpuExec>;

template <class T>
SolveStats multigrid_solve_cpu(const MgHostProblem<T>& p, const std::vector<T>& b,
                               std::vector<T>& x, const MultigridSettings& s,
                               std::vector<double>* history) {
  return multigrid_solve_on<T, CpuExec>(p, b, x, s, history);
}
template SolveStats multigrid_solve_cpu<float>(const MgHostProblem<float>&,
                                               const std::vector<float>&, std::vector<float>&,
                                               const MultigridSettings&, std::vector<double>*);
template SolveStats multigrid_solve_cpu<double>(const MgHostProblem<double>&,
                                                const std::vector<double>&, std::vector<double>&,
                                                const MultigridSettings&, std::vector<double>*);
}  // namespace lobule

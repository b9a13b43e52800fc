// The CUDA engine (compiled only when nvcc is found); the CPU engine is its test oracle.
#include "engine_impl.hpp"
#include "exec_cuda.hpp"

namespace lobule {
template class Engine<float, CudaExec>;
template class Engine<double, CudaExec>;

template <class T>
std::unique_ptr<Backend<T>> make_cuda_engine() {
  return std::make_unique<Engine<T, CudaExec>>();
}
template std::unique_ptr<Backend<float>> make_cuda_engine<float>();
template std::unique_ptr<Backend<double>> make_cuda_engine<double>();
}  // namespace lobule

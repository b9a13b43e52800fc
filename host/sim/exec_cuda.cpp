#include "exec_cuda.hpp"

namespace lobule {
namespace {
cuda::DeviceArray<double>& slot() {
  static cuda::DeviceArray<double> s(1);
  return s;
}
}  // namespace

double* CudaExec::reduction_slot() {
  const double zero = 0.0;
  slot().upload(&zero);
  return slot().data();
}

double CudaExec::read_slot() {
  double v = 0.0;
  slot().download(&v);
  return v;
}

}  // namespace lobule

// The CPU (OpenMP) engine.
#include "engine_impl.hpp"

namespace lobule {
template class Engine<float, CpuExec>;
template class Engine<double, CpuExec>;
}  // namespace lobule

#include "reaction_cuda.cuh"
#include "reaction_cuda.hpp"

namespace lobule::cuda {

template <class T>
void react_linear_decay(const Box& b, const VoxelMap& m, const ReactionFields<T, 1>& f,
                        const LinearDecay<T>& r, T t, T dt, const ReactionControl<T>& ctl) {
  react(b, m, f, r, t, dt, ctl);
}

template void react_linear_decay<float>(const Box&, const VoxelMap&,
                                        const ReactionFields<float, 1>&, const LinearDecay<float>&,
                                        float, float, const ReactionControl<float>&);
template void react_linear_decay<double>(const Box&, const VoxelMap&,
                                         const ReactionFields<double, 1>&,
                                         const LinearDecay<double>&, double, double,
                                         const ReactionControl<double>&);

}  // namespace lobule::cuda

// The manufactured reaction's kernels on the GPU (built with the CUDA backend only).
#include "kernels/cuda/model_kernels_cuda.cuh"
#include "mms_reaction.hpp"

template std::shared_ptr<const lobule::ModelKernels<double>>
lobule::make_cuda_kernels<double, lobule::test::MmsReaction>(const lobule::test::MmsReaction&);

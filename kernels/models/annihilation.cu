// The annihilation test model's kernels on the GPU.
#include "kernels/cuda/model_kernels_cuda.cuh"
#include "kernels/models/annihilation_rates.hpp"

LOBULE_CUDA_MODEL_KERNELS(lobule::AnnihilationRates)

// The liver fibrosis model's kernels on the GPU.
#include "kernels/cuda/model_kernels_cuda.cuh"
#include "kernels/models/liver_fibrosis_rates.hpp"

LOBULE_CUDA_MODEL_KERNELS(lobule::LiverRates)

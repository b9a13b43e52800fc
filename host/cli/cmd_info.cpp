#include <fmt/format.h>
#include <omp.h>
#include <vtkVersion.h>
#include <yaml-cpp/yaml.h>

#include "build_info.hpp"
#include "commands.hpp"
#include "host/sim/backend.hpp"
#ifdef LOBULE_HAVE_CUDA
#include "kernels/cuda/device.hpp"
#endif

namespace lobule {

int cmd_info() {
  fmt::print("lobule {} ({})\n", LOBULE_VERSION, LOBULE_GIT);
  fmt::print("build type:   {}\n", LOBULE_BUILD_TYPE);
  fmt::print("C++ compiler: {}\n", LOBULE_CXX_COMPILER);
  fmt::print("VTK:          {}\n", vtkVersion::GetVTKVersion());
  fmt::print("backends:     cpu (OpenMP, {} threads){}\n", omp_get_max_threads(),
             cuda_compiled() ? ", cuda" : "");
#ifdef LOBULE_HAVE_CUDA
  fmt::print("CUDA:         {}, architectures {}\n", LOBULE_CUDA_COMPILER,
             LOBULE_CUDA_ARCHITECTURES);
  const auto gpus = cuda::list_gpus();
  if (gpus.empty()) fmt::print("GPUs:         none visible\n");
  for (const auto& g : gpus)
    fmt::print("GPU {}:        {} (sm_{}{}), {:.1f} GiB, {:.1f} GiB free\n", g.index, g.name,
               g.cc_major, g.cc_minor, double(g.total_bytes) / (1 << 30),
               double(g.free_bytes) / (1 << 30));
#else
  fmt::print("CUDA:         not built (nvcc not found or -DLOBULE_CUDA=OFF)\n");
#endif
  return 0;
}

}  // namespace lobule

#include "provenance.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <ctime>
#include <fstream>

#include "kernels/cpu/diffusion_cpu_isa.hpp"
#ifdef LOBULE_HAVE_CUDA
#include "kernels/cuda/device.hpp"
#endif

namespace lobule {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "unknown";
  return name;
}

namespace {

// The processor's model name (/proc/cpuinfo), or "unknown processor".
std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos && colon + 2 <= line.size()) return line.substr(colon + 2);
    }
  return "unknown processor";
}

}  // namespace

std::string device_description(BackendChoice backend) {
#ifdef LOBULE_HAVE_CUDA
  if (backend == BackendChoice::Cuda) {
    const auto gpus = cuda::list_gpus();
    if (!gpus.empty())
      return fmt::format("cuda: {} (compute capability {}.{}, {:.1f} GiB)", gpus.front().name,
                         gpus.front().cc_major, gpus.front().cc_minor,
                         double(gpus.front().total_bytes) / double(1u << 30));
    return "cuda: no GPU visible";
  }
#endif
  (void)backend;
  return fmt::format("cpu: {}, {} OpenMP threads, {} loops", cpu_model(), omp_get_max_threads(),
                     cpu::cpu_isa_name(cpu::cpu_isa()));
}

}  // namespace lobule

#include "memory_estimate.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <fstream>
#include <limits>
#include <string>

#include "host/errors.hpp"
#include "kernels/multigrid.hpp"
#ifdef LOBULE_HAVE_CUDA
#include "kernels/cuda/device.hpp"
#endif

namespace lobule {
namespace {

std::size_t saturate(double bytes) {
  const double max = double(std::numeric_limits<std::size_t>::max());
  return bytes >= max ? std::numeric_limits<std::size_t>::max() : std::size_t(bytes);
}

}  // namespace

MemoryEstimate estimate_memory(const Config& c, BackendChoice backend) {
  // In double: a grid of 2^20 voxels per axis overflows 64-bit byte counts.
  const double padded = double(c.cells[0] + 2) * double(c.cells[1] + 2) * double(c.cells[2] + 2);
  const double interior = double(c.cells[0]) * double(c.cells[1]) * double(c.cells[2]);
  const double word = c.precision == Precision::Double ? 8 : 4;
  const double ns = double(c.species.size());
  // D arrays: one per diffusing species with a fixed D field, one per distinct (driver fields,
  // C_half) of the scar-hindered ones (the engine's hindrance arrays); a local field has none.
  double nd_fixed = 0, nd = 0, nd_driven = 0;
  std::vector<std::pair<std::vector<std::string>, double>> hindrances;
  for (const auto& s : c.species) {
    if (!s.driver.fields.empty()) {
      nd_driven += 1;
      const std::pair<std::vector<std::string>, double> key{s.driver.fields, s.driver.c_half};
      if (std::find(hindrances.begin(), hindrances.end(), key) == hindrances.end())
        hindrances.push_back(key);
    } else if (s.diffusivity > 0) {
      nd_fixed += 1;
    }
  }
  nd = nd_fixed + nd_driven;
  // Host: u per species, D per species with a fixed D, padded and interior labels, one output
  // staging array.
  double host = (ns + nd_fixed) * padded * word + padded + interior + interior * word;
  if (c.geometry.kind != "box") host += interior * sizeof(float);  // the zone array
  // Volume fractions: the geometry's planes and the three tissue-weight planes (padded).
  if (c.geometry.volume_fractions)
    host += (double(kFractionClasses) * interior + 3.0 * padded) * sizeof(float);
  // Engine: the same u and D arrays and the hindrances (on the CPU with their face values per
  // axis), labels (and zones in a lobule), three
  // scratch arrays shared by all species (the next level of the explicit scheme uses one; RKL2
  // holds M(Y0) and two increments), the lowest value of each species' explicit steps; a coupled
  // model adds the frozen production and loss of each diffusing species (rkl2) or a rate per
  // species (explicit).
  const bool gpu = backend == BackendChoice::Cuda;
  double arrays = ns + nd_fixed + double(hindrances.size()) + 3;
  if (!gpu) arrays += 3 * double(hindrances.size());  // the CPU's face values of each hindrance
  if (c.model_impl) arrays += c.time.scheme == Scheme::Explicit ? ns : 2 * nd;
  double state = arrays * padded * word + padded + ns * word;
  // The implicit scheme's multigrid: the finest level's voxel kinds (a byte), diagonal and three
  // faces, the conjugate-gradient vectors p, q, z and the right-hand side r; on each coarser
  // level a correction and right-hand side and what building the next level reads (mass, six
  // half-cell conductances, six Dirichlet couplings: 15), and per diffusing species its own
  // coarse operator (diagonal and three faces), kept between steps.
  if (c.time.scheme == Scheme::Implicit && nd > 0) {
    const std::vector<Box> levels = mg_level_boxes(whole_box(c.cells[0], c.cells[1], c.cells[2]));
    double words = 8 * padded;
    for (std::size_t l = 1; l < levels.size(); ++l)
      words += (15 + 4 * nd) * double(levels[l].padded());
    state += words * word + padded;
  }
  if (c.geometry.kind != "box") state += padded * sizeof(float);
  if (c.geometry.volume_fractions) state += 3.0 * padded * sizeof(float);  // tissue weights
  double device = 0;
  (gpu ? device : host) += state;
  return {saturate(host), saturate(device), saturate(state), interior, padded, c.species.size()};
}

std::size_t host_memory_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::size_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return 0;
}

std::string format_bytes(std::size_t b) {
  const double x = double(b);
  if (x >= double(1ull << 40)) return fmt::format("{:.3g} TiB", x / double(1ull << 40));
  if (x >= 1 << 30) return fmt::format("{:.2f} GiB", x / (1 << 30));
  if (x >= 1 << 20) return fmt::format("{:.1f} MiB", x / (1 << 20));
  return fmt::format("{:.0f} KiB", x / 1024);
}

void check_memory(const Config& c, BackendChoice backend) {
  const MemoryEstimate need = estimate_memory(c, backend);
  const std::size_t host_free = host_memory_available();
  const std::string grid = fmt::format("{}x{}x{} voxels, {} species, {}", c.cells[0], c.cells[1],
                                       c.cells[2], c.species.size(), to_string(c.precision));
  // precision: float halves the fields; only worth saying to a double run.
  const char* use_float = c.precision == Precision::Double ? " or precision: float" : "";
  if (host_free > 0 && need.host_bytes > host_free)
    throw IoError(fmt::format(
        "not enough host memory: the run ({}) needs {}, {} free (MemAvailable); use a coarser "
        "grid.spacing, a smaller geometry{}, or a machine with more memory",
        grid, format_bytes(need.host_bytes), format_bytes(host_free), use_float));
#ifdef LOBULE_HAVE_CUDA
  if (backend == BackendChoice::Cuda) {
    const auto gpus = cuda::list_gpus();
    if (!gpus.empty() && need.device_bytes > gpus[0].free_bytes)
      throw IoError(fmt::format(
          "not enough GPU memory: the run ({}) needs {}, {} free on GPU 0 ({}); use a coarser "
          "grid.spacing{}, a larger GPU, or --backend cpu",
          grid, format_bytes(need.device_bytes), format_bytes(gpus[0].free_bytes), gpus[0].name,
          use_float));
  }
#endif
}

}  // namespace lobule

// The CPU launchers of diffusion_cpu.hpp: each calls the loops of the instruction set in use
// (diffusion_cpu_isa.hpp). Loops that write fields take the widest available build; the sums over
// the grid take the portable one, so that their order of summation and thus their bits do not
// depend on the machine.
#include "diffusion_cpu.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "diffusion_cpu_isa.hpp"

namespace lobule::cpu {
namespace {

CpuIsa widest_available() {
  if (const char* env = std::getenv("LOBULE_CPU_ISA")) {
    if (std::strcmp(env, "portable") == 0) return CpuIsa::Portable;
    if (std::strcmp(env, "avx2") == 0 && cpu_isa_available(CpuIsa::Avx2)) return CpuIsa::Avx2;
  }
  return cpu_isa_available(CpuIsa::Avx2) ? CpuIsa::Avx2 : CpuIsa::Portable;
}

std::atomic<CpuIsa>& isa_in_use() {
  static std::atomic<CpuIsa> isa{widest_available()};
  return isa;
}

// The loops that write fields.
template <class T>
const CpuLoops<T>& loops() {
#if LOBULE_CPU_AVX2
  if (isa_in_use().load(std::memory_order_relaxed) == CpuIsa::Avx2)
    return loops_for<T, CpuIsa::Avx2>();
#endif
  return loops_for<T, CpuIsa::Portable>();
}

// The loops whose result depends on the order of the vector lanes (sums).
template <class T>
const CpuLoops<T>& ordered_loops() {
  return loops_for<T, CpuIsa::Portable>();
}

}  // namespace

bool cpu_isa_available(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::Portable:
      return true;
    case CpuIsa::Avx2:
#if LOBULE_CPU_AVX2
      return __builtin_cpu_supports("avx2");
#else
      return false;
#endif
  }
  return false;
}

CpuIsa cpu_isa() {
  return isa_in_use().load(std::memory_order_relaxed);
}

bool select_cpu_isa(CpuIsa isa) {
  if (!cpu_isa_available(isa)) return false;
  isa_in_use().store(isa, std::memory_order_relaxed);
  return true;
}

const char* cpu_isa_name(CpuIsa isa) {
  return isa == CpuIsa::Avx2 ? "avx2" : "portable";
}

template <class T>
void fill_halo(const Box& b, const BoundarySet<T>& bc, HaloOf what, T* u) {
  loops<T>().fill_halo(b, bc, what, u);
}

template <class T>
void explicit_step(const Box& b, InvH2<T> ih2, T* u, const T* D, const std::uint8_t* label,
                   const VesselTable<T>& held, T* out, T dt, T decay, T source, StencilHint<T> us,
                   const BoundarySet<T>* fill, T* lowest) {
  loops<T>().explicit_step(b, ih2, u, D, label, held, out, dt, decay, source, us, fill, lowest);
}

template <class T>
void explicit_step_rate(const Box& b, InvH2<T> ih2, T* u, const T* D, const std::uint8_t* label,
                        const VesselTable<T>& held, const T* rate, T* out, T dt, StencilHint<T> us,
                        const BoundarySet<T>* fill, T* lowest) {
  loops<T>().explicit_step_rate(b, ih2, u, D, label, held, rate, out, dt, us, fill, lowest);
}

template <class T>
void rkl2_first(const Box& b, const Rkl2Context<T>& x, T* y0, const T* D, T* m0, T* z1, T f1,
                const BoundarySet<T>* fill) {
  loops<T>().rkl2_first(b, x, y0, D, m0, z1, f1, fill);
}

template <class T>
double rkl2_stage(const Box& b, const Rkl2Context<T>& x, T* z_prev, const T* z_prev2, const T* y0,
                  const T* m0, const T* D, T* out, const Rkl2Stage<T>& k, bool last,
                  const BoundarySet<T>* fill) {
  // The last stage sums what it clips.
  const CpuLoops<T>& l = last ? ordered_loops<T>() : loops<T>();
  return l.rkl2_stage(b, x, z_prev, z_prev2, y0, m0, D, out, k, last, fill);
}

template <class T>
double interior_sum(const Box& b, const T* u) {
  return ordered_loops<T>().interior_sum(b, u);
}

template <class T>
double interior_max(const Box& b, const T* u) {
  return loops<T>().interior_max(b, u);
}

template <class T>
std::vector<std::uint8_t> open_rows(const Box& b, const T* D) {
  return loops<T>().open_rows(b, D);
}

template <class T>
void face_diffusivities(const Box& b, const T* D, T* fx, T* fy, T* fz) {
  loops<T>().face_diffusivities(b, D, fx, fy, fz);
}

template <class T>
void update_diffusivity(const Box& b, const std::uint8_t* label, const DiffusivityDriverView<T>& d,
                        T* D) {
  loops<T>().update_diffusivity(b, label, d, D);
}

#define LOBULE_INSTANTIATE(T)                                                                  \
  template void fill_halo<T>(const Box&, const BoundarySet<T>&, HaloOf, T*);                   \
  template void explicit_step<T>(const Box&, InvH2<T>, T*, const T*, const std::uint8_t*,      \
                                 const VesselTable<T>&, T*, T, T, T, StencilHint<T>,           \
                                 const BoundarySet<T>*, T*);                                   \
  template void explicit_step_rate<T>(const Box&, InvH2<T>, T*, const T*, const std::uint8_t*, \
                                      const VesselTable<T>&, const T*, T*, T, StencilHint<T>,  \
                                      const BoundarySet<T>*, T*);                              \
  template void rkl2_first<T>(const Box&, const Rkl2Context<T>&, T*, const T*, T*, T*, T,      \
                              const BoundarySet<T>*);                                          \
  template double rkl2_stage<T>(const Box&, const Rkl2Context<T>&, T*, const T*, const T*,     \
                                const T*, const T*, T*, const Rkl2Stage<T>&, bool,             \
                                const BoundarySet<T>*);                                        \
  template std::vector<std::uint8_t> open_rows<T>(const Box&, const T*);                       \
  template void face_diffusivities<T>(const Box&, const T*, T*, T*, T*);                       \
  template double interior_sum<T>(const Box&, const T*);                                       \
  template double interior_max<T>(const Box&, const T*);                                       \
  template void update_diffusivity<T>(const Box&, const std::uint8_t*,                         \
                                      const DiffusivityDriverView<T>&, T*);
LOBULE_INSTANTIATE(float)
LOBULE_INSTANTIATE(double)

}  // namespace lobule::cpu

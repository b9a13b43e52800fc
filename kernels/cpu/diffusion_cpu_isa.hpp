/// The CPU loops as one table per instruction set, chosen at run time (diffusion_cpu.cpp): the
/// portable x86-64 baseline (SSE2, any CPU) and, where the compiler can build it, AVX2 (256-bit
/// vectors, twice the lanes; Haswell and later, every Zen). Both compute every value with the
/// same IEEE operations in the same order (no fused multiply-adds), so the fields they write are
/// bit-identical; the sums over the grid, whose order follows the vector width, always come
/// from the portable table (CpuIsa.Avx2LoopsWriteThePortableBits).
#pragma once
#include <cstdint>
#include <vector>

#include "../boundary.hpp"
#include "../diffusivity.hpp"
#include "../grid.hpp"
#include "../rkl2.hpp"
#include "../vessels.hpp"

namespace lobule::cpu {

/// The instruction sets the CPU loops are built for.
enum class CpuIsa { Portable, Avx2 };

/// The loops of diffusion_cpu.hpp, one instruction set's build of them.
template <class T>
struct CpuLoops {
  void (*fill_halo)(const Box&, const BoundarySet<T>&, HaloOf, T*);
  void (*explicit_step)(const Box&, InvH2<T>, T*, const T*, const std::uint8_t*,
                        const VesselTable<T>&, T*, T, T, T, StencilHint<T>, const BoundarySet<T>*,
                        T*);
  void (*explicit_step_rate)(const Box&, InvH2<T>, T*, const T*, const std::uint8_t*,
                             const VesselTable<T>&, const T*, T*, T, StencilHint<T>,
                             const BoundarySet<T>*, T*);
  void (*rkl2_first)(const Box&, const Rkl2Context<T>&, T*, const T*, T*, T*, T,
                     const BoundarySet<T>*);
  double (*rkl2_stage)(const Box&, const Rkl2Context<T>&, T*, const T*, const T*, const T*,
                       const T*, T*, const Rkl2Stage<T>&, bool, const BoundarySet<T>*);
  double (*interior_sum)(const Box&, const T*);
  double (*interior_max)(const Box&, const T*);
  std::vector<std::uint8_t> (*open_rows)(const Box&, const T*);
  void (*face_diffusivities)(const Box&, const T*, T*, T*, T*);
  void (*update_diffusivity)(const Box&, const std::uint8_t*, const DiffusivityDriverView<T>&, T*);
};

/// The table of instruction set I (defined in diffusion_cpu_<isa>.cpp; AVX2's only where it was
/// built: see cpu_isa_built).
template <class T, CpuIsa I>
const CpuLoops<T>& loops_for();
template <>
const CpuLoops<float>& loops_for<float, CpuIsa::Portable>();
template <>
const CpuLoops<double>& loops_for<double, CpuIsa::Portable>();
template <>
const CpuLoops<float>& loops_for<float, CpuIsa::Avx2>();
template <>
const CpuLoops<double>& loops_for<double, CpuIsa::Avx2>();

/// Whether this build holds the loops of `isa` and this CPU can run them.
bool cpu_isa_available(CpuIsa isa);

/// The instruction set the CPU loops use: the widest available one, unless the environment
/// variable LOBULE_CPU_ISA (portable or avx2) or select_cpu_isa said otherwise.
CpuIsa cpu_isa();

/// Selects the loops of `isa` for the launches that follow; false (and nothing changes) when it
/// is not available. Not for use while loops run.
bool select_cpu_isa(CpuIsa isa);

/// "portable" or "avx2".
const char* cpu_isa_name(CpuIsa isa);

}  // namespace lobule::cpu

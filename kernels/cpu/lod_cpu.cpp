#include "lod_cpu.hpp"

#include "omp_grain.hpp"

namespace lobule::cpu {

// x lines are contiguous; y and z lines are strided, and one thread walks the lines of a plane
// (y) or a row (z) in x order, so that neighbouring lines share cache lines.
template <class T>
void lod_sweep(const Box& b, int axis, T r, const LineEnds<T>& ends, const VesselTable<T>& held,
               T* u, const T* D, const std::uint8_t* label, T* cp, T* dp, T* zp) {
  if (axis == 0) {
#pragma omp parallel for collapse(2) schedule(static) if (b.interior() >= kParallelMinWork)
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j)
        lod_solve_line(u, D, label, b.idx(0, j, k), 1, b.nx, r, ends, held, cp, dp, zp);
  } else if (axis == 1) {
#pragma omp parallel for schedule(static) if (b.interior() >= kParallelMinWork)
    for (int k = 0; k < b.nz; ++k)
      for (int i = 0; i < b.nx; ++i)
        lod_solve_line(u, D, label, b.idx(i, 0, k), b.sy(), b.ny, r, ends, held, cp, dp, zp);
  } else {
#pragma omp parallel for schedule(static) if (b.interior() >= kParallelMinWork)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i)
        lod_solve_line(u, D, label, b.idx(i, j, 0), b.sz(), b.nz, r, ends, held, cp, dp, zp);
  }
}

template void lod_sweep<float>(const Box&, int, float, const LineEnds<float>&,
                               const VesselTable<float>&, float*, const float*, const std::uint8_t*,
                               float*, float*, float*);
template void lod_sweep<double>(const Box&, int, double, const LineEnds<double>&,
                                const VesselTable<double>&, double*, const double*,
                                const std::uint8_t*, double*, double*, double*);

}  // namespace lobule::cpu

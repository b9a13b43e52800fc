/// Below this much work (voxels or halo cells) the OpenMP launchers run serially: a parallel
/// region costs microseconds, and far more on a shared machine, which small grids cannot repay.
#pragma once
#include <omp.h>

#include <cstddef>

namespace lobule::cpu {

inline constexpr std::size_t kParallelMinWork = std::size_t(1) << 15;

/// Whether a loop over `work` voxels runs in parallel. A dynamically scheduled launcher tests it
/// in C++ and enters no OpenMP region otherwise: libgomp sets up even a region its `if` clause
/// keeps serial, and with a dynamic schedule that costs a futex call each (the liver model's
/// healthy-state solve on the demo's 360-voxel lobule spent 3 of its 8.5 s in them). A static
/// region kept serial by `if` costs about 0.4 µs and keeps its loops vectorizing as they are.
inline bool parallel_work(std::size_t work) {
  return work >= kParallelMinWork;
}

/// body(k, j) for k < nz, j < ny: rows of a box, in parallel (static schedule) when `work` says.
template <class F>
void for_rows(int nz, int ny, std::size_t work, F&& body) {
  if (!parallel_work(work)) {
    for (int k = 0; k < nz; ++k)
      for (int j = 0; j < ny; ++j) body(k, j);
    return;
  }
#pragma omp parallel for collapse(2) schedule(static)
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j) body(k, j);
}

/// Σ row(k, j) over the rows of an nz × ny box, in double, in parallel (static schedule) when
/// `work` says.
template <class F>
double sum_rows(int nz, int ny, std::size_t work, F&& row) {
  double sum = 0;
  if (!parallel_work(work)) {
    for (int k = 0; k < nz; ++k)
      for (int j = 0; j < ny; ++j) sum += row(k, j);
    return sum;
  }
#pragma omp parallel for collapse(2) schedule(static) reduction(+ : sum)
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j) sum += row(k, j);
  return sum;
}

/// body(n) for n < count, in parallel (static schedule) when `work` says.
template <class F>
void for_each_index(long long count, std::size_t work, F&& body) {
  if (!parallel_work(work)) {
    for (long long n = 0; n < count; ++n) body(n);
    return;
  }
#pragma omp parallel for schedule(static)
  for (long long n = 0; n < count; ++n) body(n);
}

/// body(begin, end) over [0, n) in one contiguous chunk per thread (the split of a static
/// schedule), in parallel when n says: copies and first touches of whole arrays.
template <class F>
void for_chunks(std::size_t n, F&& body) {
  if (!parallel_work(n)) {
    if (n > 0) body(std::size_t(0), n);
    return;
  }
#pragma omp parallel
  {
    const std::size_t t = std::size_t(omp_get_thread_num()),
                      nt = std::size_t(omp_get_num_threads());
    body(n * t / nt, n * (t + 1) / nt);
  }
}

}  // namespace lobule::cpu

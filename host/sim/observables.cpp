#include "observables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "host/errors.hpp"
#include "kernels/voxel_class.hpp"

namespace lobule {

std::vector<std::string> observable_columns(const std::vector<std::string>& species) {
  std::vector<std::string> cols{"time"};
  for (const auto& s : species) {
    cols.push_back(s + "_total");
    cols.push_back(s + "_mean");
  }
  return cols;
}

template <class T>
std::vector<double> observables(double t, const HostFields<T>& f, const Geometry& g) {
  const Box& b = f.box;
  const double vol = g.spacing[0] * g.spacing[1] * g.spacing[2];
  std::size_t tissue = 0;
  const auto cells = static_cast<long long>(g.label.size());
#pragma omp parallel for schedule(static) reduction(+ : tissue)
  for (long long c = 0; c < cells; ++c) tissue += g.label[std::size_t(c)] != kOutside;
  std::vector<double> row{t};
  for (const auto& sp : f.species) {
    double sum = 0;
#pragma omp parallel for collapse(2) reduction(+ : sum)
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j)
        for (int i = 0; i < b.nx; ++i)
          if (g.label[g.at(i, j, k)] != kOutside) sum += double(sp.u[b.idx(i, j, k)]);
    row.push_back(sum * vol);
    row.push_back(tissue ? sum / double(tissue) : 0.0);
  }
  return row;
}

namespace {

// Over the interior of u, in one pass, rows in parallel: max(1, its largest finite value), its
// lowest finite value (at most 0) and whether any value is NaN or infinite.
struct ValueRange {
  double largest = 1, lowest = 0;
  bool non_finite = false;
};
template <class T>
ValueRange value_range(const Box& b, const HostArray<T>& u) {
  double largest = 1, lowest = 0;
  int non_finite = 0;
  // clang-format off
#pragma omp parallel for collapse(2) schedule(static) \
    reduction(max : largest) reduction(min : lowest) reduction(| : non_finite)
  // clang-format on
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) {
      // A row in T, on vector lanes: v − v is 0 for a finite v and NaN otherwise; minima and
      // maxima do not depend on the order they are taken in.
      const T* row = u.data() + b.idx(0, j, k);
      T hi = T(1), lo = T(0);
      int bad = 0;
#pragma omp simd reduction(max : hi) reduction(min : lo) reduction(| : bad)
      for (int i = 0; i < b.nx; ++i) {
        const T v = row[i];
        const bool finite = v - v == T(0);
        hi = std::max(hi, finite ? v : T(1));
        lo = std::min(lo, finite ? v : T(0));
        bad |= !finite;
      }
      largest = std::max(largest, double(hi));
      lowest = std::min(lowest, double(lo));
      non_finite |= bad;
    }
  return {largest, lowest, non_finite != 0};
}

}  // namespace

template <class T>
void check_finite_non_negative(const HostFields<T>& f, const Geometry& g, double t, long long step,
                               double tolerance) {
  const Box& b = f.box;
  for (const auto& sp : f.species) {
    // The usual case, a clean field, in one parallel pass; the serial scan below only to name
    // the first bad voxel (a failing run).
    const ValueRange range = value_range(b, sp.u);
    const double floor = -tolerance * range.largest;
    if (!range.non_finite && range.lowest >= floor) continue;
    const auto fail = [&](int i, int j, int k, bool in_tissue) {
      const double v = double(sp.u[b.idx(i, j, k)]);
      const auto x = g.centre(i, j, k);
      throw NumericalError(fmt::format(
          "species '{}' is {} at voxel ({}, {}, {}) (x = {:.4g}, {:.4g}, {:.4g} um{}) at "
          "t = {:.6g} s, step {}",
          sp.name, std::isfinite(v) ? fmt::format("negative ({:.3g})", v) : fmt::format("{}", v),
          b.ox + i, b.oy + j, b.oz + k, x[0], x[1], x[2], in_tissue ? "" : ", outside the tissue",
          t, step));
    };
    // The first bad voxel in the tissue is named, where the user looks; one outside it only when
    // the tissue is clean (masked voxels never change, so a bad value there came from a file).
    int outside[3] = {-1, -1, -1};
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j)
        for (int i = 0; i < b.nx; ++i) {
          const std::size_t c = b.idx(i, j, k);
          const double v = double(sp.u[c]);
          if (std::isfinite(v) && v >= floor) continue;
          if (f.label.empty() || is_tissue(f.label[c])) fail(i, j, k, true);
          if (outside[0] < 0) outside[0] = i, outside[1] = j, outside[2] = k;
        }
    if (outside[0] >= 0) fail(outside[0], outside[1], outside[2], false);
  }
}

template <class T>
void check_steps_non_negative(const HostFields<T>& f, const std::vector<double>& lowest, double dt,
                              double t, long long step, double tolerance) {
  for (std::size_t s = 0; s < f.species.size() && s < lowest.size(); ++s) {
    if (lowest[s] >= 0) continue;  // the usual case: no step went negative, nothing to scan
    if (lowest[s] >= -tolerance * value_range(f.box, f.species[s].u).largest) continue;
    throw NumericalError(fmt::format(
        "species '{}' went negative ({:.3g}) in an explicit step before t = {:.6g} s, step {}, "
        "although its values have turned positive again by now: forward Euler flips the sign "
        "of a field whose reaction loss rate times dt exceeds 1; use a shorter time.dt (now "
        "{:.3g} s) or scheme: rkl2, which keeps the reactions non-negative for any dt",
        f.species[s].name, lowest[s], t, step, dt));
  }
}

template std::vector<double> observables<float>(double, const HostFields<float>&, const Geometry&);
template std::vector<double> observables<double>(double, const HostFields<double>&,
                                                 const Geometry&);
template void check_finite_non_negative<float>(const HostFields<float>&, const Geometry&, double,
                                               long long, double);
template void check_finite_non_negative<double>(const HostFields<double>&, const Geometry&, double,
                                                long long, double);
template void check_steps_non_negative<float>(const HostFields<float>&, const std::vector<double>&,
                                              double, double, long long, double);
template void check_steps_non_negative<double>(const HostFields<double>&,
                                               const std::vector<double>&, double, double,
                                               long long, double);

}  // namespace lobule

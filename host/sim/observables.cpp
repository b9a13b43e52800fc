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
  for (auto l : g.label) tissue += l != kOutside;
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

// max(1, the largest finite value of u over the interior): the scale of the negative tolerance.
template <class T>
double tolerance_scale(const Box& b, const std::vector<T>& u) {
  double umax = 1;
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) {
        const double v = double(u[b.idx(i, j, k)]);
        if (std::isfinite(v) && v > umax) umax = v;
      }
  return umax;
}

}  // namespace

template <class T>
void check_finite_non_negative(const HostFields<T>& f, const Geometry& g, double t, long long step,
                               double tolerance) {
  const Box& b = f.box;
  for (const auto& sp : f.species) {
    const double floor = -tolerance * tolerance_scale(b, sp.u);
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
    if (lowest[s] >= -tolerance * tolerance_scale(f.box, f.species[s].u)) continue;
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

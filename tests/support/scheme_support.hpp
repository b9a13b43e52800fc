/// Helpers of the time-scheme tests: small box fields built in memory, an independent
/// reference of the 7-point operator, and a fourth-order Runge–Kutta oracle.
#pragma once
#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "geometry/labels.hpp"
#include "host/sim/backend.hpp"

namespace lobule::test {

/// nx × ny × nz voxels of edge h [µm], `species` species of diffusivity D [µm²/s], no-flux
/// faces, every voxel parenchyma, u = 0.
template <class T>
HostFields<T> box_fields(int nx, int ny, int nz, double h, int species, double D, Scheme scheme) {
  HostFields<T> f;
  f.box = whole_box(nx, ny, nz);
  f.ih2 = {T(1 / (h * h)), T(1 / (h * h)), T(1 / (h * h))};
  f.scheme = scheme;
  f.label.assign(f.box.padded(), kOutside);
  for (int k = 0; k < nz; ++k)
    for (int j = 0; j < ny; ++j)
      for (int i = 0; i < nx; ++i) f.label[f.box.idx(i, j, k)] = kParenchyma;
  for (int s = 0; s < species; ++s) {
    SpeciesField<T> sp;
    sp.name = "s" + std::to_string(s);
    sp.u.assign(f.box.padded(), T(0));
    sp.D.assign(f.box.padded(), T(0));
    sp.d_free = T(D);
    for (std::size_t c = 0; c < f.label.size(); ++c)
      if (f.label[c] != kOutside) sp.D[c] = T(D);
    f.species.push_back(std::move(sp));
  }
  return f;
}

/// Calls fn(i, j, k, c) for every interior voxel.
template <class T, class F>
void for_interior(const HostFields<T>& f, F&& fn) {
  const Box& b = f.box;
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j)
      for (int i = 0; i < b.nx; ++i) fn(i, j, k, b.idx(i, j, k));
}

/// Fields with everything the kernels handle, to compare two builds of them. Species 0: a cytokine
/// with decay, a central vein held at 0, portal voxels at a value that changes in time, D hindered
/// by species 2; species 1: slow EVs with a source; species 2: scar.
template <class T>
HostFields<T> rich_fields(Scheme scheme, int nx, int ny, int nz) {
  auto f = test::box_fields<T>(nx, ny, nz, 5.0, 3, 60.0, scheme);
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> U(0, 1);
  auto& cyt = f.species[0];
  auto& ev = f.species[1];
  auto& scar = f.species[2];
  cyt.decay = T(3.85e-4);
  cyt.driver = {2};
  cyt.c_half = T(2.0);
  cyt.vessels.mask = (1u << kCentralVein) | (1u << kPortalVein);
  cyt.vessels.value[kCentralVein] = T(0);
  cyt.bc.kind[0] = BoundaryKind::Dirichlet;  // x_min held at 0.3
  cyt.bc.value[0] = T(0.3);
  cyt.bc.kind[2] = cyt.bc.kind[3] = BoundaryKind::Periodic;  // y periodic
  ev.d_free = T(5);
  ev.decay = T(3.2e-5);
  ev.source = T(1e-4);
  ev.driver = {2};
  ev.c_half = T(0.2);
  scar.d_free = T(0);
  f.vessel_value = [](std::size_t s, int label, double t) {
    return s == 0 && label == kPortalVein ? 1 + 0.5 * std::sin(t / 300) : 0.0;
  };
  test::for_interior(f, [&](int i, int j, int k, std::size_t c) {
    const double r = std::hypot(i - nx / 2.0, j - ny / 2.0);
    if (r < 3) f.label[c] = kCentralVein;
    if (i == nx - 1 && j < 4) f.label[c] = kPortalVein;
    if (i < 3 && j < 3 && k < 2) f.label[c] = kOutside;
    const bool outside = f.label[c] == kOutside;
    cyt.u[c] = outside ? T(0) : T(0.5 + U(rng));
    ev.u[c] = outside ? T(0) : T(U(rng));
    scar.u[c] = outside ? T(0) : T(U(rng) < 0.2 ? 3 * U(rng) : 0.0);
    for (auto* sp : {&cyt, &ev, &scar}) sp->D[c] = outside ? T(0) : sp->d_free;
    if (f.label[c] == kCentralVein) cyt.u[c] = T(0);
  });
  return f;
}

/// Advances backend b from t0 to t1 in steps of dt (the last one shortened).
template <class T>
void advance(Backend<T>& b, double t0, double t1, double dt) {
  for (double t = t0; t < t1 - 1e-12 * dt;) {
    const double h = std::min(dt, t1 - t);
    b.step(t, h);
    t = (t1 - (t + h) <= 1e-9 * dt) ? t1 : t + h;
  }
}

/// Root mean square of a − b over the interior voxels of species s.
template <class T>
double rms_difference(const HostFields<T>& f, std::size_t s, const std::vector<double>& ref) {
  double sum = 0;
  std::size_t n = 0;
  for_interior(f, [&](int, int, int, std::size_t c) {
    const double d = double(f.species[s].u[c]) - ref[c];
    sum += d * d;
    ++n;
  });
  return std::sqrt(sum / double(n));
}

/// Σ u over the interior of species s [conc·voxel].
template <class T>
double interior_sum(const HostFields<T>& f, std::size_t s) {
  double sum = 0;
  for_interior(f, [&](int, int, int, std::size_t c) { sum += double(f.species[s].u[c]); });
  return sum;
}

/// Independent reference of the semi-discrete operator for no-flux faces (written from the
/// formula, not from kernels/): (A u)_c = Σ_faces D_f·(u_n − u_c)/h², D_f = 2·D_c·D_n/(D_c + D_n),
/// zero in voxels where held(c).
inline std::vector<double> reference_operator(const HostFields<double>& f, std::size_t s,
                                              const std::vector<double>& u,
                                              const std::function<bool(std::size_t)>& held) {
  const Box& b = f.box;
  const auto& D = f.species[s].D;
  const double ih2[3] = {f.ih2.x, f.ih2.y, f.ih2.z};
  std::vector<double> out(u.size(), 0.0);
  for_interior(f, [&](int i, int j, int k, std::size_t c) {
    if (held && held(c)) return;
    const int q[3] = {i, j, k};
    double acc = 0;
    for (int a = 0; a < 3; ++a)
      for (int dir = -1; dir <= 1; dir += 2) {
        const int p = q[a] + dir;
        if (p < 0 || p >= b.extent(a)) continue;  // no-flux face
        const std::size_t n = dir > 0 ? c + b.stride(a) : c - b.stride(a);
        const double df = D[c] + D[n] > 0 ? 2 * D[c] * D[n] / (D[c] + D[n]) : 0.0;
        acc += ih2[a] * df * (u[n] - u[c]);
      }
    out[c] = acc;
  });
  return out;
}

/// Classical RK4 for du/dt = A u + source(c, t) from t0 to t1 in n steps; held voxels take
/// hold(c, t) at every stage time.
inline std::vector<double> rk4_reference(
    const HostFields<double>& f, std::size_t s, std::vector<double> u, double t0, double t1, int n,
    const std::function<double(std::size_t, double)>& source = {},
    const std::function<bool(std::size_t)>& held = {},
    const std::function<double(std::size_t, double)>& hold = {}) {
  const double h = (t1 - t0) / n;
  auto rhs = [&](const std::vector<double>& y, double t) {
    std::vector<double> r = reference_operator(f, s, y, held);
    if (source)
      for_interior(f, [&](int, int, int, std::size_t c) {
        if (!(held && held(c))) r[c] += source(c, t);
      });
    return r;
  };
  auto pin = [&](std::vector<double>& y, double t) {
    if (held)
      for_interior(f, [&](int, int, int, std::size_t c) {
        if (held(c)) y[c] = hold(c, t);
      });
  };
  auto axpy = [](std::vector<double> y, double a, const std::vector<double>& x) {
    for (std::size_t q = 0; q < y.size(); ++q) y[q] += a * x[q];
    return y;
  };
  for (int step = 0; step < n; ++step) {
    const double t = t0 + step * h;
    pin(u, t);
    const auto k1 = rhs(u, t);
    auto y2 = axpy(u, h / 2, k1);
    pin(y2, t + h / 2);
    const auto k2 = rhs(y2, t + h / 2);
    auto y3 = axpy(u, h / 2, k2);
    pin(y3, t + h / 2);
    const auto k3 = rhs(y3, t + h / 2);
    auto y4 = axpy(u, h, k3);
    pin(y4, t + h);
    const auto k4 = rhs(y4, t + h);
    for (std::size_t q = 0; q < u.size(); ++q)
      u[q] += h / 6 * (k1[q] + 2 * k2[q] + 2 * k3[q] + k4[q]);
  }
  pin(u, t1);
  return u;
}

/// Observed orders log2(e_k / e_{k+1}) of errors at successively halved steps.
inline std::vector<double> observed_orders(const std::vector<double>& errors) {
  std::vector<double> p;
  for (std::size_t k = 0; k + 1 < errors.size(); ++k)
    p.push_back(std::log2(errors[k] / errors[k + 1]));
  return p;
}

/// Least-squares slope of log e against log dt: the order over the whole ladder.
inline double fitted_order(const std::vector<double>& steps, const std::vector<double>& errors) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = double(steps.size());
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const double x = std::log(steps[k]), y = std::log(errors[k]);
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

}  // namespace lobule::test

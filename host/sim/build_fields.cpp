#include "build_fields.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "host/errors.hpp"
#include "host/io/vti_io.hpp"
#include "host/model/model.hpp"
#include "kernels/cpu/omp_grain.hpp"

namespace lobule {

double initial_value(const InitialCondition& ic, const std::array<double, 3>& x,
                     const std::array<double, 3>& L) {
  switch (ic.kind) {
    case InitialKind::Uniform:
      return ic.value;
    case InitialKind::Gaussian: {
      double r2 = 0;
      for (int a = 0; a < 3; ++a) r2 += (x[a] - ic.center[a]) * (x[a] - ic.center[a]);
      return ic.background + ic.peak * std::exp(-r2 / (2 * ic.sigma * ic.sigma));
    }
    case InitialKind::Cosine:
      return ic.amplitude * std::cos(M_PI * ic.modes * x[ic.axis] / L[ic.axis]) + ic.offset;
    case InitialKind::File:
      break;
  }
  return 0;
}

std::vector<double> read_initial_file(const SpeciesConfig& s, const Geometry& g,
                                      Precision precision) {
  auto values = read_vti_on_grid(s.initial.path, s.initial.array, g);
  const double most = precision == Precision::Float ? double(std::numeric_limits<float>::max())
                                                    : std::numeric_limits<double>::max();
  for (std::size_t v = 0; v < values.size(); ++v) {
    const double x = values[v];
    if (g.label[v] == kOutside || (x >= 0 && x <= most)) continue;
    const std::size_t i = v % std::size_t(g.box.nx),
                      j = v / std::size_t(g.box.nx) % std::size_t(g.box.ny),
                      k = v / std::size_t(g.box.nx) / std::size_t(g.box.ny);
    throw InputError(fmt::format(
        "{}: array '{}' (initial values of '{}') is {} at voxel ({}, {}, {}); concentrations "
        "must be finite, non-negative{}",
        s.initial.path, s.initial.array, s.name, x, i, j, k,
        precision == Precision::Float ? " and within float range (or use precision: double)" : ""));
  }
  return values;
}

void check_initial_files(const Config& c, const Geometry& g) {
  for (const auto& s : c.species)
    if (s.initial.kind == InitialKind::File) read_initial_file(s, g, c.precision);
  if (c.model_impl) c.model_impl->check_inputs(c, g);
}

// a = n zeros, first touched by the threads of a static schedule (HostArray leaves them unset).
template <class T>
void zeroed(HostArray<T>& a, std::size_t n) {
  a.resize(n);
  cpu::for_chunks(n, [&](std::size_t begin, std::size_t end) {
    std::fill(a.begin() + std::ptrdiff_t(begin), a.begin() + std::ptrdiff_t(end), T(0));
  });
}

template <class T>
HostFields<T> build_fields(const Config& c, const Geometry& g) {
  HostFields<T> f;
  f.box = g.box;
  f.ih2 = {T(1 / (g.spacing[0] * g.spacing[0])), T(1 / (g.spacing[1] * g.spacing[1])),
           T(1 / (g.spacing[2] * g.spacing[2]))};
  f.scheme = c.time.scheme;
  f.implicit = c.time.implicit;
  const Box& b = g.box;
  f.label.assign(b.padded(), kOutside);
  if (!g.zone.empty()) f.zone.assign(b.padded(), 0.0f);
  // Rows in parallel (each writes its own voxels): a large grid's start-up was serial.
  cpu::for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    for (int i = 0; i < b.nx; ++i) {
      f.label[b.idx(i, j, k)] = g.label[g.at(i, j, k)];
      if (!f.zone.empty()) f.zone[b.idx(i, j, k)] = g.zone[g.at(i, j, k)];
    }
  });
  const std::array<double, 3> L = {b.gx * g.spacing[0], b.gy * g.spacing[1], b.gz * g.spacing[2]};
  for (std::size_t s = 0; s < c.species.size(); ++s) {
    const SpeciesConfig& sc = c.species[s];
    SpeciesField<T> sp;
    sp.name = sc.name;
    sp.decay = T(sc.decay);
    sp.source = T(sc.source);
    sp.d_free = T(sc.diffusivity);
    sp.driver = sc.driver.field_index;
    sp.c_half = T(sc.driver.c_half);
    for (const VesselValue& v : sc.vessels) {
      sp.vessels.mask |= 1u << v.label;
      sp.vessels.value[v.label] = T(v.value);
    }
    for (int face = 0; face < kFaces; ++face) {
      sp.bc.kind[face] = c.boundaries[face].kind;
      sp.bc.value[face] = T(c.boundaries[face].value[s]);
    }
    zeroed(sp.u, b.padded());
    // A local field carries no diffusivity; a scar-hindered one has its D computed by the
    // engine from the driver fields (the hindrance arrays), not stored per species.
    const bool local = sc.diffusivity == 0 && sc.driver.fields.empty();
    const bool fixed_d = !local && sc.driver.fields.empty();
    if (fixed_d) zeroed(sp.D, b.padded());
    std::vector<double> from_file;
    if (sc.initial.kind == InitialKind::File) from_file = read_initial_file(sc, g, c.precision);
    cpu::for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t v = g.at(i, j, k), p = b.idx(i, j, k);
        if (g.label[v] == kOutside) continue;
        if (fixed_d) sp.D[p] = T(sc.diffusivity);
        const auto x = g.centre(i, j, k);
        const std::array<double, 3> xr = {x[0] - g.origin[0], x[1] - g.origin[1],
                                          x[2] - g.origin[2]};
        sp.u[p] = T(from_file.empty() ? initial_value(sc.initial, xr, L) : from_file[v]);
        if (sp.vessels.holds(g.label[v])) sp.u[p] = sp.vessels.value[g.label[v]];
      }
    });
    f.species.push_back(std::move(sp));
  }
  std::vector<std::vector<double>> own;
  if (c.model_impl && c.model_impl->initial_state(c, g, own))
    for (std::size_t s = 0; s < f.species.size() && s < own.size(); ++s) {
      SpeciesField<T>& sp = f.species[s];
      cpu::for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
        for (int i = 0; i < b.nx; ++i) {
          const std::size_t v = g.at(i, j, k), p = b.idx(i, j, k);
          if (g.label[v] == kOutside || sp.vessels.holds(g.label[v])) continue;
          sp.u[p] = T(own[s][v]);
        }
      });
    }
  // Blood levels that change in time (an EV dose) replace the constant vessel values.
  if (c.model_impl) f.vessel_value = c.model_impl->vessel_values();
  return f;
}

template HostFields<float> build_fields<float>(const Config&, const Geometry&);
template HostFields<double> build_fields<double>(const Config&, const Geometry&);

}  // namespace lobule

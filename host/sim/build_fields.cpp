#include "build_fields.hpp"

#include <algorithm>

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "geometry/volume_fractions.hpp"
#include "host/errors.hpp"
#include "host/io/initial_file.hpp"
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
  return read_initial_values(s.initial.path, s.initial.array, s.name, g,
                             precision == Precision::Float);
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
  if (!g.fraction.empty()) f.tissue.assign(3 * b.padded(), 0.0f);
  // Rows in parallel (each writes its own voxels): a large grid's start-up was serial.
  cpu::for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
    for (int i = 0; i < b.nx; ++i) {
      f.label[b.idx(i, j, k)] = g.label[g.at(i, j, k)];
      if (!f.zone.empty()) f.zone[b.idx(i, j, k)] = g.zone[g.at(i, j, k)];
      if (!f.tissue.empty()) {
        const TissueWeights<float> w = tissue_weights(g, g.at(i, j, k));
        const std::size_t c = b.idx(i, j, k), n = b.padded();
        f.tissue[c] = w.cell, f.tissue[n + c] = w.sinusoid, f.tissue[2 * n + c] = w.tract;
      }
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
    if (sc.initial.kind == InitialKind::File && !c.start_replaced)  // a restart replaces it
      from_file = read_initial_file(sc, g, c.precision);
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
  if (c.model_impl && c.model_impl->initial_state(c, g, own)) set_tissue_values(f, g, own);
  // Blood levels that change in time (an EV dose) replace the constant vessel values.
  if (c.model_impl) f.vessel_value = c.model_impl->vessel_values();
  return f;
}

template <class T>
void set_tissue_values(HostFields<T>& f, const Geometry& g,
                       const std::vector<std::vector<double>>& u) {
  const Box& b = f.box;
  for (std::size_t s = 0; s < f.species.size() && s < u.size(); ++s) {
    SpeciesField<T>& sp = f.species[s];
    cpu::for_rows(b.nz, b.ny, b.interior(), [&](int k, int j) {
      for (int i = 0; i < b.nx; ++i) {
        const std::size_t v = g.at(i, j, k), p = b.idx(i, j, k);
        if (g.label[v] == kOutside || sp.vessels.holds(g.label[v])) continue;
        sp.u[p] = T(u[s][v]);
      }
    });
  }
}

template <class T>
std::vector<std::vector<double>> tissue_values(const HostFields<T>& f) {
  const Box& b = f.box;
  std::vector<std::vector<double>> u;
  for (const auto& sp : f.species) {
    std::vector<double> v(b.interior());
    for (int k = 0; k < b.nz; ++k)
      for (int j = 0; j < b.ny; ++j)
        for (int i = 0; i < b.nx; ++i)
          v[(std::size_t(k) * std::size_t(b.ny) + std::size_t(j)) * std::size_t(b.nx) +
            std::size_t(i)] = double(sp.u[b.idx(i, j, k)]);
    u.push_back(std::move(v));
  }
  return u;
}

template <class A, class B>
HostFields<A> with_precision(const HostFields<B>& f) {
  HostFields<A> o;
  o.box = f.box;
  o.ih2 = {A(f.ih2.x), A(f.ih2.y), A(f.ih2.z)};
  o.label = f.label;
  o.zone = f.zone;
  o.tissue = f.tissue;
  o.scheme = f.scheme;
  o.reaction = {A(f.reaction.max_rate_dt), f.reaction.max_substeps};
  o.rkl2 = f.rkl2;
  o.implicit = f.implicit;
  o.vessel_value = f.vessel_value;
  for (const auto& s : f.species) {
    SpeciesField<A> t;
    t.name = s.name;
    t.decay = A(s.decay);
    t.source = A(s.source);
    for (int q = 0; q < kFaces; ++q) t.bc.kind[q] = s.bc.kind[q], t.bc.value[q] = A(s.bc.value[q]);
    t.driver = s.driver;
    t.d_free = A(s.d_free);
    t.c_half = A(s.c_half);
    t.vessels.mask = s.vessels.mask;
    for (int l = 0; l < kVesselLabels; ++l) t.vessels.value[l] = A(s.vessels.value[l]);
    t.u.assign(s.u.begin(), s.u.end());
    t.D.assign(s.D.begin(), s.D.end());
    o.species.push_back(std::move(t));
  }
  return o;
}

template HostFields<float> build_fields<float>(const Config&, const Geometry&);
template HostFields<double> build_fields<double>(const Config&, const Geometry&);
template void set_tissue_values<float>(HostFields<float>&, const Geometry&,
                                       const std::vector<std::vector<double>>&);
template void set_tissue_values<double>(HostFields<double>&, const Geometry&,
                                        const std::vector<std::vector<double>>&);
template std::vector<std::vector<double>> tissue_values<float>(const HostFields<float>&);
template std::vector<std::vector<double>> tissue_values<double>(const HostFields<double>&);
template HostFields<double> with_precision<double, float>(const HostFields<float>&);
template HostFields<double> with_precision<double, double>(const HostFields<double>&);
template HostFields<float> with_precision<float, double>(const HostFields<double>&);

}  // namespace lobule

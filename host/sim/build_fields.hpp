/// Initial state of a run: concentrations from the initial conditions, diffusivity fields.
#pragma once
#include "fields.hpp"
#include "geometry/geometry.hpp"
#include "host/config/config.hpp"

namespace lobule {

/// Concentration of an initial condition at point x [µm] in a domain of edge lengths L.
///   uniform:  v;  gaussian: b + p·exp(−|x − c|²/(2σ²));  cosine: A·cos(π·m·x_a/L_a) + B.
double initial_value(const InitialCondition& ic, const std::array<double, 3>& x,
                     const std::array<double, 3>& L);

/// The initial values of species s from its `initial: { kind: file }` .vti on geometry g: the
/// file must lie on g's grid (cells, spacing, origin) and hold finite, non-negative values in
/// the tissue (within float range for a float run). Throws InputError naming file, voxel, value.
std::vector<double> read_initial_file(const SpeciesConfig& s, const Geometry& g,
                                      Precision precision);

/// Reads every initial file of c with those checks, the model's own included (Model::
/// check_inputs): `lobule check` refuses what `run` would.
void check_initial_files(const Config& c, const Geometry& g);

/// Builds the host fields of every species on the geometry's box. Masked (outside) voxels
/// get D = 0 and u = 0; vessel voxels start at their held values. Throws InputError for an
/// unreadable initial-condition file.
template <class T>
HostFields<T> build_fields(const Config& c, const Geometry& g);

/// Sets f's fields to u (one vector per species, the geometry's interior voxel order) in the
/// tissue, held (vessel) voxels keeping their values.
template <class T>
void set_tissue_values(HostFields<T>& f, const Geometry& g,
                       const std::vector<std::vector<double>>& u);

/// The fields of f (interior voxel order, one vector per species).
template <class T>
std::vector<std::vector<double>> tissue_values(const HostFields<T>& f);

/// f in precision A: every setting, array and field converted.
template <class A, class B>
HostFields<A> with_precision(const HostFields<B>& f);

}  // namespace lobule

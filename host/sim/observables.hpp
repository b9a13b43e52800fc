/// Observables of the state at an output time (the columns of timeseries.csv).
#pragma once
#include <string>
#include <vector>

#include "fields.hpp"
#include "geometry/geometry.hpp"

namespace lobule {

/// Column names: time, then <species>_total and <species>_mean for each species.
std::vector<std::string> observable_columns(const std::vector<std::string>& species);

/// Values for observable_columns at time t: total = Σ u·V_voxel [conc·µm³] and mean over
/// tissue voxels [conc], summed in double.
template <class T>
std::vector<double> observables(double t, const HostFields<T>& f, const Geometry& g);

/// Throws NumericalError naming species, voxel, time and step when a concentration is
/// NaN/Inf or below −tolerance·max(1, max u).
template <class T>
void check_finite_non_negative(const HostFields<T>& f, const Geometry& g, double t, long long step,
                               double tolerance = 1e-6);

/// Throws NumericalError when lowest[s], the lowest value an explicit step wrote into species s
/// up to time t [s] and step `step`, lies below −tolerance·max(1, max u of f's species s): a step
/// went negative although the fields look fine now. dt [s] is the run's time.dt, for the advice.
template <class T>
void check_steps_non_negative(const HostFields<T>& f, const std::vector<double>& lowest, double dt,
                              double t, long long step, double tolerance = 1e-6);

}  // namespace lobule

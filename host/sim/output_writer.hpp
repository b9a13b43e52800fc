/// Writes a run's outputs: fields/NNNNNN.vti, fields.pvd, timeseries.csv.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "fields.hpp"
#include "geometry/geometry.hpp"
#include "host/config/config.hpp"
#include "host/io/pvd_index.hpp"
#include "host/io/timeseries_csv.hpp"

namespace lobule {

template <class T>
class OutputWriter {
 public:
  /// Creates DIR/fields and starts timeseries.csv and fields.pvd. resume > 0 continues a
  /// restarted run that had written `resume` outputs: their pvd entries and CSV rows are
  /// kept, later ones dropped, and the next file is fields/<resume>.vti.
  OutputWriter(const std::string& dir, const Config& c, const Geometry& g, std::size_t resume = 0);
  /// Writes the fields at time t as the next .vti, adds it to the .pvd, appends a CSV row.
  void write(double t, const HostFields<T>& f);
  std::size_t count() const { return index_; }
  /// True when a restart found fields.pvd missing or short and rebuilt it from the .vti files.
  bool rebuilt_index() const { return rebuilt_index_; }

 private:
  std::string dir_;
  const Config& c_;
  const Geometry& g_;
  PvdIndex pvd_;
  std::unique_ptr<TimeseriesCsv> csv_;
  std::size_t index_ = 0;
  bool own_columns_ = false;  ///< the model's columns replace the per-field ones
  bool rebuilt_index_ = false;
  void rebuild_index(std::size_t outputs);
};

/// Copies the interior voxels of a padded-layout array into a contiguous x-fastest array.
template <class T>
std::vector<T> interior_of(const Box& b, const std::vector<T>& padded);

}  // namespace lobule

/// Writes a run's outputs: fields/NNNNNN.vti, fields.pvd, timeseries.csv.
#pragma once
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fields.hpp"
#include "geometry/geometry.hpp"
#include "host/config/config.hpp"
#include "host/io/pvd_index.hpp"
#include "host/io/timeseries_csv.hpp"
#include "host/io/vti_io.hpp"

namespace lobule {

template <class T>
class OutputWriter {
 public:
  /// Creates DIR/fields and starts timeseries.csv and fields.pvd. resume > 0 continues a
  /// restarted run that had written `resume` outputs: their pvd entries and CSV rows are
  /// kept, later ones dropped, and the next file is fields/<resume>.vti. `writers` > 0: the
  /// files of each output are written by that many threads of their own while the run goes on
  /// (see write); 0: by the caller.
  OutputWriter(const std::string& dir, const Config& c, const Geometry& g, std::size_t resume = 0,
               int writers = 0);
  /// Waits for an output still being written (its errors are lost: the run is ending on
  /// another one).
  ~OutputWriter();
  OutputWriter(const OutputWriter&) = delete;
  OutputWriter& operator=(const OutputWriter&) = delete;

  /// Writes the fields at time t as the next .vti, adds it to the .pvd, appends a CSV row. The
  /// values are taken now (the interior of each field copied, the CSV row computed); with
  /// writer threads the files are then written while the caller goes on, several outputs at a
  /// time (up to one per writer and kInFlightBytes of copies; a write waits for room), each
  /// .vti whole before its .pvd entry and CSV row, which keep the order of the outputs. An
  /// error of that writing is thrown by the next write or flush, and no later output enters the
  /// index.
  void write(double t, const HostFields<T>& f);
  /// The copies of outputs in flight may hold this much memory (one output at least).
  static constexpr std::size_t kInFlightBytes = std::size_t(2) << 30;
  /// Returns when every output so far is on disk; throws the error of one that failed.
  void flush();
  std::size_t count() const { return index_; }
  /// True when the files are written by writer threads.
  bool background() const { return !writers_.empty(); }
  /// True when a restart found fields.pvd missing or short and rebuilt it from the .vti files.
  bool rebuilt_index() const { return rebuilt_index_; }

 private:
  /// One output as the writer thread takes it: the interior of each written field, its CSV row.
  struct Job {
    double t = 0;
    std::string rel;
    std::size_t size = 0;  ///< elements of each buffer in data
    std::vector<std::unique_ptr<T[]>> data;
    std::vector<CellArray> arrays;
    std::vector<double> row;
  };
  /// An output handed to the writer threads, oldest first in flights_.
  struct Flight {
    std::unique_ptr<Job> job;
    bool started = false, done = false;
    std::exception_ptr error;  ///< what writing its .vti threw
  };
  void write_files(const Job& job);
  void run_writer();
  /// Indexes the written outputs at the front of flights_ in order (mutex_ held).
  void commit_written();
  /// A buffer for one field's interior: a spare one of an earlier output, or a new one.
  std::unique_ptr<T[]> take_buffer(std::size_t n);
  /// Keeps the buffers of a written job for the next output.
  void keep_buffers(Job& job);

  std::string dir_;
  const Config& c_;
  const Geometry& g_;
  PvdIndex pvd_;
  std::unique_ptr<TimeseriesCsv> csv_;
  std::size_t index_ = 0;
  bool own_columns_ = false;  ///< the model's columns replace the per-field ones
  bool rebuilt_index_ = false;
  void rebuild_index(std::size_t outputs);

  // The writer threads (background only) and the outputs in flight.
  std::vector<std::thread> writers_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Flight> flights_;  ///< issued and not yet indexed, oldest first
  /// Buffers of written outputs (under mutex_), reused: new ones cost a page fault and the
  /// kernel's zeroing of each page at every output (3 % of a 256³ × 8 run with 9 outputs).
  std::vector<std::unique_ptr<T[]>> spare_;
  std::size_t spare_size_ = 0;  ///< elements of each spare buffer
  std::exception_ptr error_;    ///< what a writing threw, until write or flush throws it
  bool failed_ = false;         ///< an output failed: no later one enters the index
  bool stop_ = false;
};

/// Copies the interior voxels of a padded-layout array into a contiguous x-fastest array.
template <class T>
std::vector<T> interior_of(const Box& b, const HostArray<T>& padded);

}  // namespace lobule

#include "output_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>

#include "host/errors.hpp"
#include "host/io/atomic_file.hpp"
#include "host/io/vti_io.hpp"
#include "host/model/model.hpp"
#include "kernels/cpu/omp_grain.hpp"
#include "observables.hpp"

namespace lobule {

// Row by row into `out` (n = b.interior() elements), rows in parallel: the threads also first
// touch the pages of a fresh buffer.
template <class T>
void copy_interior(const Box& b, const T* padded, T* out) {
  cpu::for_rows(b.nz, b.ny, b.interior(), [=](int k, int j) {
    const T* src = padded + b.idx(0, j, k);
    std::copy(src, src + b.nx, out + (std::size_t(k) * b.ny + j) * b.nx);
  });
}

template <class T>
std::vector<T> interior_of(const Box& b, const HostArray<T>& padded) {
  std::vector<T> out(b.interior());
  copy_interior(b, padded.data(), out.data());
  return out;
}

template <class T>
OutputWriter<T>::OutputWriter(const std::string& dir, const Config& c, const Geometry& g,
                              std::size_t resume, int writers)
    : dir_(dir),
      c_(c),
      g_(g),
      pvd_(dir + "/fields.pvd"),
      index_(resume),
      own_columns_(c.model_impl && c.model_impl->replaces_field_columns()) {
  make_directories(dir + "/fields");
  std::vector<std::string> names;
  for (const auto& s : c.species) names.push_back(s.name);
  const std::string csv = dir + "/timeseries.csv";
  auto columns = observable_columns(names);
  if (own_columns_) columns = {"time"};
  if (c.model_impl)
    for (const auto& m : c.model_impl->observable_columns()) columns.push_back(m);
  if (resume == 0) {
    csv_ = std::make_unique<TimeseriesCsv>(csv, columns);
  } else {
    try {
      pvd_.load();
    } catch (const IoError&) {  // garbled: rebuilt below from the .vti files
      pvd_.keep_first(0);
    }
    if (pvd_.size() < resume) rebuild_index(resume);
    pvd_.keep_first(resume);
    pvd_.write();
    csv_ = std::make_unique<TimeseriesCsv>(csv, columns, resume);
  }
  // Last: a constructor that throws must leave no thread behind (no destructor would join it).
  for (int w = 0; w < writers; ++w) writers_.emplace_back([this] { run_writer(); });
}

// fields.pvd lists fewer outputs than the checkpoint follows (missing or damaged): rebuilt
// from fields/000000.vti ... with the time each file carries, when all of them are there and
// readable; otherwise the restart is refused naming the first file that is not.
template <class T>
void OutputWriter<T>::rebuild_index(std::size_t outputs) {
  PvdIndex rebuilt(pvd_.path());
  for (std::size_t i = 0; i < outputs; ++i) {
    const std::string rel = fmt::format("fields/{:06d}.vti", i);
    try {
      rebuilt.push(read_vti_time(dir_ + "/" + rel), rel);
    } catch (const InputError& e) {
      throw InputError(fmt::format(
          "{}/fields.pvd lists {} outputs, but the checkpoint follows {}, and the index cannot "
          "be rebuilt from the output files ({}); restore them, or run without --restart to "
          "start afresh",
          dir_, pvd_.size(), outputs, e.what()));
    }
  }
  pvd_ = rebuilt;
  rebuilt_index_ = true;
}

template <class T>
OutputWriter<T>::~OutputWriter() {
  if (writers_.empty()) return;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  for (auto& w : writers_) w.join();
}

// A writer thread: takes the oldest output nobody writes yet, writes its .vti, then indexes the
// outputs written so far in order; ends when stopped with nothing left to start.
template <class T>
void OutputWriter<T>::run_writer() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    Flight* next = nullptr;
    changed_.wait(lock, [&] {
      for (Flight& f : flights_)
        if (!f.started) {
          next = &f;
          break;
        }
      return next != nullptr || stop_;
    });
    if (!next) return;  // stopped with nothing to write
    next->started = true;
    const Job& job = *next->job;
    lock.unlock();
    std::exception_ptr error;
    try {
      write_vti(dir_ + "/" + job.rel, g_, job.t, job.arrays, c_.output.compression);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    next->done = true;  // a deque keeps references to its elements as others come and go
    next->error = error;
    commit_written();
    changed_.notify_all();
  }
}

// The .pvd entry and CSV row of each written output at the front, in the order of the outputs:
// the index lists complete files only, and none after a failed one.
template <class T>
void OutputWriter<T>::commit_written() {
  while (!flights_.empty() && flights_.front().done) {
    Flight& f = flights_.front();
    std::exception_ptr error = f.error;
    if (!error && !failed_) {
      try {
        pvd_.add(f.job->t, f.job->rel);
        csv_->append(f.job->row);
      } catch (...) {
        error = std::current_exception();
      }
    }
    if (error) {
      failed_ = true;
      if (!error_) error_ = error;
    }
    keep_buffers(*f.job);
    flights_.pop_front();
  }
}

template <class T>
std::unique_ptr<T[]> OutputWriter<T>::take_buffer(std::size_t n) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (spare_size_ == n && !spare_.empty()) {
      std::unique_ptr<T[]> b = std::move(spare_.back());
      spare_.pop_back();
      return b;
    }
  }
  return std::unique_ptr<T[]>(new T[n]);
}

// Called with mutex_ held, or by the caller's thread when there is no writer thread.
template <class T>
void OutputWriter<T>::keep_buffers(Job& job) {
  if (spare_size_ != job.size) spare_.clear(), spare_size_ = job.size;
  for (auto& b : job.data) spare_.push_back(std::move(b));
  job.data.clear();
}

template <class T>
void OutputWriter<T>::flush() {
  if (writers_.empty()) return;
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return flights_.empty(); });
  if (error_) {
    const std::exception_ptr e = error_;
    error_ = nullptr;
    std::rethrow_exception(e);
  }
}

template <class T>
void OutputWriter<T>::write(double t, const HostFields<T>& f) {
  auto wanted = [&](const std::string& name) {
    return c_.output.fields.empty() || std::find(c_.output.fields.begin(), c_.output.fields.end(),
                                                 name) != c_.output.fields.end();
  };
  constexpr auto type = std::is_same_v<T, double> ? CellArray::Type::F64 : CellArray::Type::F32;
  if (!writers_.empty()) {  // room for one more output in flight; an error stops the run here
    std::size_t bytes = 0;
    for (const auto& sp : f.species)
      if (wanted(sp.name)) bytes += f.box.interior() * sizeof(T);
    const std::size_t room = std::max<std::size_t>(
        1, std::min(writers_.size(), kInFlightBytes / std::max<std::size_t>(bytes, 1)));
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return flights_.size() < room || error_; });
    if (error_) {
      lock.unlock();
      flush();  // the outputs still in flight first: then the error
    }
  }
  auto job = std::make_unique<Job>();
  job->t = t;
  job->size = f.box.interior();
  job->rel = fmt::format("fields/{:06d}.vti", index_);
  for (const auto& sp : f.species) {
    if (!wanted(sp.name)) continue;
    job->data.push_back(take_buffer(f.box.interior()));
    copy_interior(f.box, sp.u.data(), job->data.back().get());
    job->arrays.push_back({sp.name, type, job->data.back().get()});
  }
  if (wanted("label")) job->arrays.push_back({"label", CellArray::Type::U8, g_.label.data()});
  if (!g_.zone.empty() && wanted("zone"))
    job->arrays.push_back({"zone", CellArray::Type::F32, g_.zone.data()});
  // The per-field totals and means, unless the model's own columns replace them.
  job->row = own_columns_ ? std::vector<double>{t} : observables(t, f, g_);
  if (c_.model_impl) {
    FieldSnapshot s{f.box,
                    voxel_volume(f),
                    f.label.data(),
                    f.zone.empty() ? nullptr : f.zone.data(),
                    t,
                    [&f](std::size_t q, std::size_t c) { return double(f.species[q].u[c]); },
                    &g_};
    for (double v : c_.model_impl->observables(s)) job->row.push_back(v);
  }
  if (writers_.empty()) {
    write_files(*job);
    keep_buffers(*job);
    ++index_;
    return;
  }
  ++index_;  // issued: a checkpoint flushes the writers before it counts on it
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    flights_.emplace_back();
    flights_.back().job = std::move(job);
  }
  changed_.notify_all();
}

// The .vti first, then its entry in the .pvd and the CSV row: the index lists complete files.
template <class T>
void OutputWriter<T>::write_files(const Job& job) {
  write_vti(dir_ + "/" + job.rel, g_, job.t, job.arrays, c_.output.compression);
  pvd_.add(job.t, job.rel);
  csv_->append(job.row);
}

template class OutputWriter<float>;
template class OutputWriter<double>;
template std::vector<float> interior_of(const Box&, const HostArray<float>&);
template std::vector<double> interior_of(const Box&, const HostArray<double>&);

}  // namespace lobule

#include "output_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>

#include "host/errors.hpp"
#include "host/io/atomic_file.hpp"
#include "host/io/vti_io.hpp"
#include "host/model/model.hpp"
#include "observables.hpp"

namespace lobule {

template <class T>
std::vector<T> interior_of(const Box& b, const std::vector<T>& padded) {
  std::vector<T> out(b.interior());
#pragma omp parallel for collapse(2)
  for (int k = 0; k < b.nz; ++k)
    for (int j = 0; j < b.ny; ++j) {
      const T* src = padded.data() + b.idx(0, j, k);
      std::copy(src, src + b.nx, out.data() + (std::size_t(k) * b.ny + j) * b.nx);
    }
  return out;
}

template <class T>
OutputWriter<T>::OutputWriter(const std::string& dir, const Config& c, const Geometry& g,
                              std::size_t resume)
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
    return;
  }
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
void OutputWriter<T>::write(double t, const HostFields<T>& f) {
  auto wanted = [&](const std::string& name) {
    return c_.output.fields.empty() || std::find(c_.output.fields.begin(), c_.output.fields.end(),
                                                 name) != c_.output.fields.end();
  };
  constexpr auto type = std::is_same_v<T, double> ? CellArray::Type::F64 : CellArray::Type::F32;
  std::vector<std::vector<T>> data;
  data.reserve(f.species.size());
  std::vector<CellArray> arrays;
  for (const auto& sp : f.species) {
    if (!wanted(sp.name)) continue;
    data.push_back(interior_of(f.box, sp.u));
    arrays.push_back({sp.name, type, data.back().data()});
  }
  if (wanted("label")) arrays.push_back({"label", CellArray::Type::U8, g_.label.data()});
  if (!g_.zone.empty() && wanted("zone"))
    arrays.push_back({"zone", CellArray::Type::F32, g_.zone.data()});

  const std::string rel = fmt::format("fields/{:06d}.vti", index_);
  write_vti(dir_ + "/" + rel, g_, t, arrays, c_.output.compression);
  pvd_.add(t, rel);
  // The per-field totals and means, unless the model's own columns replace them.
  auto row = own_columns_ ? std::vector<double>{t} : observables(t, f, g_);
  if (c_.model_impl) {
    FieldSnapshot s{f.box,
                    voxel_volume(f),
                    f.label.data(),
                    f.zone.empty() ? nullptr : f.zone.data(),
                    t,
                    [&f](std::size_t q, std::size_t c) { return double(f.species[q].u[c]); }};
    for (double v : c_.model_impl->observables(s)) row.push_back(v);
  }
  csv_->append(row);
  ++index_;
}

template class OutputWriter<float>;
template class OutputWriter<double>;
template std::vector<float> interior_of(const Box&, const std::vector<float>&);
template std::vector<double> interior_of(const Box&, const std::vector<double>&);

}  // namespace lobule

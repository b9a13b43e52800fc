/// lobule._core: the C++ library in-process, for the Python package (python/lobule).
///
///   run(config, sets, out, backend, restart, from_, quiet, progress) -> dict
///       `lobule run` without the process: the same code, the same files, bit for bit. The GIL
///       is released while the run steps; `progress(t, end, steps)` is called with it held at
///       every step boundary (an exception it raises stops the run and is re-raised).
///   Simulation(config, sets, backend): a scenario stepped from Python; field(name) is a
///       read-only numpy view of the state (no copy on the CPU backend; a GPU run copies its
///       fields to the host first), valid until the next advance_to.
///   read_vti(path) -> (time, {name: array (nz, ny, nx)}, spacing, origin)
///
/// Errors are LobuleError(exit_code, message), exit_code as the executable's (README).
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <csignal>
#include <memory>
#include <optional>

#include "build_info.hpp"
#include "geometry/geometry.hpp"
#include "host/config/config.hpp"
#include "host/errors.hpp"
#include "host/io/vti_io.hpp"
#include "host/sim/backend.hpp"
#include "host/sim/exit_report.hpp"
#include "host/sim/run_signals.hpp"
#include "host/sim/simulation.hpp"
#include "host/sim/stepper.hpp"

namespace py = pybind11;
using namespace lobule;

namespace {

std::optional<BackendChoice> backend_of(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name == "cpu") return BackendChoice::Cpu;
  if (name == "cuda") return BackendChoice::Cuda;
  if (name == "auto") return BackendChoice::Auto;
  throw InputError("backend '" + name + "': expected auto, cpu or cuda");
}

py::dict run(const std::string& config, const std::vector<std::string>& sets,
             const std::string& out, const std::string& backend, const std::string& restart,
             const std::string& from, bool quiet, py::object progress) {
  // A restart or branch replaces the initial state: start files are not needed (nor read).
  const Config c = load_config(config, sets, !restart.empty() || !from.empty());
  RunOptions opt;
  opt.out_dir = out;
  opt.backend = backend_of(backend);
  opt.quiet = quiet;
  opt.restart = restart;
  opt.from = from;
  opt.command = "lobule._core.run(" + config;  // the Python call, for config.yaml
  for (const auto& s : sets) opt.command += ", --set " + s;
  if (!out.empty()) opt.command += ", -o " + out;
  if (!from.empty()) opt.command += ", --from " + from;
  if (!restart.empty()) opt.command += ", --restart " + restart;
  opt.command += ")";
  std::optional<std::string> raised;  // what the progress callback raised
  if (!progress.is_none())
    opt.progress = [&](double t, double end, long long steps) {
      py::gil_scoped_acquire hold;
      if (raised) return;
      try {
        progress(t, end, steps);
      } catch (py::error_already_set& e) {
        // Stopped as SIGINT stops a run: a checkpoint, then Interrupted (exit code 130).
        raised = e.what();
        SignalGuard::request_stop(SIGINT);
      }
    };
  RunSummary s;
  try {
    py::gil_scoped_release free;
    s = run_simulation(c, opt);
  } catch (const Interrupted& e) {
    if (!raised) throw;
    throw Interrupted("stopped by the progress callback, which raised " + *raised + "; " +
                      e.what());
  }
  py::dict d;
  d["out_dir"] = s.out_dir;
  d["backend"] = s.backend;
  d["steps"] = s.steps;
  d["t_end"] = s.t_end;
  d["wall_seconds"] = s.wall_seconds;
  return d;
}

// A scenario stepped from Python (float or double underneath).
class Simulation {
 public:
  Simulation(const std::string& config, const std::vector<std::string>& sets,
             const std::string& backend)
      : c_(std::make_unique<Config>(load_config(config, sets))) {
    const BackendChoice which = resolve_backend(backend_of(backend).value_or(c_->backend));
    py::gil_scoped_release free;  // a healthy start may take a while
    if (c_->precision == Precision::Double)
      d_ = std::make_unique<Stepper<double>>(*c_, which);
    else
      f_ = std::make_unique<Stepper<float>>(*c_, which);
  }
  void advance_to(double t) {
    py::gil_scoped_release free;
    if (d_) {
      d_->advance_to(t);
      d_->finish();
    } else {
      f_->advance_to(t);
      f_->finish();
    }
  }
  double time() const { return d_ ? d_->time() : f_->time(); }
  long long steps() const { return d_ ? d_->steps() : f_->steps(); }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& s : c_->species) out.push_back(s.name);
    return out;
  }
  py::array field(const std::string& name, py::handle self) {
    return d_ ? view(*d_, name, self) : view(*f_, name, self);
  }

 private:
  template <class T>
  py::array view(Stepper<T>& run, const std::string& name, py::handle self) {
    const HostFields<T>& f = run.fields();
    for (const auto& sp : f.species)
      if (sp.name == name) {
        const Box& b = f.box;
        const std::vector<py::ssize_t> shape{b.nz, b.ny, b.nx};
        const std::vector<py::ssize_t> strides{py::ssize_t(b.sz() * sizeof(T)),
                                               py::ssize_t(b.sy() * sizeof(T)), sizeof(T)};
        py::array_t<T> a(shape, strides, sp.u.data() + b.idx(0, 0, 0), self);
        py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
        return std::move(a);
      }
    throw InputError("no field '" + name + "' in the scenario " + c_->file);
  }
  std::unique_ptr<Config> c_;
  std::unique_ptr<Stepper<float>> f_;
  std::unique_ptr<Stepper<double>> d_;
};

py::tuple read_vti(const std::string& path, const std::vector<std::string>& names) {
  VtiContents v;
  {
    py::gil_scoped_release free;
    v = read_vti_contents(path, names);
  }
  py::dict arrays;
  for (auto& [n, values] : v.arrays) {  // handed to numpy without a copy
    auto* owned = new std::vector<double>(std::move(values));
    py::capsule free(owned, [](void* p) { delete static_cast<std::vector<double>*>(p); });
    arrays[py::str(n)] =
        py::array_t<double>({v.cells[2], v.cells[1], v.cells[0]}, owned->data(), free);
  }
  return py::make_tuple(v.time, arrays, v.spacing, v.origin);
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "lobule's C++ library in-process (see python/lobule)";
  static py::exception<std::runtime_error> error(m, "LobuleError");
  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    try {
      std::rethrow_exception(p);
    } catch (py::error_already_set&) {
      throw;
    } catch (py::builtin_exception&) {
      throw;
    } catch (...) {
      const ExitReport r = exit_report(std::current_exception());  // the executable's table
      PyErr_SetObject(error.ptr(), py::make_tuple(r.code, r.kind + ": " + r.what).ptr());
    }
  });
  m.attr("version") = LOBULE_VERSION;
  m.attr("git") = LOBULE_GIT;
  m.attr("cuda") = cuda_compiled();
  m.def("run", &run, py::arg("config"), py::arg("sets") = std::vector<std::string>{},
        py::arg("out") = "", py::arg("backend") = "", py::arg("restart") = "",
        py::arg("from_") = "", py::arg("quiet") = true, py::arg("progress") = py::none());
  m.def("read_vti", &read_vti, py::arg("path"), py::arg("names") = std::vector<std::string>{});
  py::class_<Simulation>(m, "Simulation")
      .def(py::init<const std::string&, const std::vector<std::string>&, const std::string&>(),
           py::arg("config"), py::arg("sets") = std::vector<std::string>{}, py::arg("backend") = "")
      .def("advance_to", &Simulation::advance_to, py::arg("t"))
      .def_property_readonly("time", &Simulation::time)
      .def_property_readonly("steps", &Simulation::steps)
      .def_property_readonly("names", &Simulation::names)
      .def(
          "field",
          [](py::object self, const std::string& name) {
            return self.cast<Simulation&>().field(name, self);
          },
          py::arg("name"));
}

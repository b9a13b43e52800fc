/// The common part of a model with a parameter table: parameters read and written with their
/// units, and the kernels of its rates functor Rates<T> for both engines. A model derives from
/// ModelOf and adds its name, fields and observables.
#pragma once
#include <fmt/format.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/config/units.hpp"
#include "host/errors.hpp"
#include "kernels/cpu/model_kernels_cpu.hpp"
#include "model.hpp"

namespace lobule {

/// One parameter: its YAML key under model.parameters, its dimension, a member of Params.
template <class Params>
struct ParamSpec {
  std::string key;
  Dim dim;
  std::function<double&(Params&)> ref;

  ParamSpec(std::string k, Dim d, double Params::*member)
      : key(std::move(k)), dim(d), ref([member](Params& p) -> double& { return p.*member; }) {}
  ParamSpec(std::string k, Dim d, std::function<double&(Params&)> r)
      : key(std::move(k)), dim(d), ref(std::move(r)) {}
};

template <class Params, template <class> class Rates>
class ModelOf : public Model {
 public:
  explicit ModelOf(std::vector<ParamSpec<Params>> table) : table_(std::move(table)) {}

  void parse_parameters(const ConfigNode& n) override {
    if (!n.defined()) return;
    n.expect_map();
    for (const auto& kv : n.yaml()) {
      const std::string key = kv.first.as<std::string>();
      bool known = false;
      for (const auto& p : table_) known = known || key == p.key;
      if (!known) n[key].fail(fmt::format("unknown parameter of model {}", name()));
    }
    for (const auto& p : table_) {
      if (!n.has(p.key)) continue;
      const double v = n[p.key].quantity(p.dim);
      if (!(v >= 0)) n[p.key].fail("must not be negative");
      p.ref(params_) = v;
    }
  }
  YAML::Node resolved_parameters() const override {
    YAML::Node out;
    Params copy = params_;
    for (const auto& p : table_) out[p.key] = format_quantity(p.ref(copy), p.dim);
    return out;
  }
  std::shared_ptr<const ModelKernels<float>> kernels_float(BackendChoice b) const override {
    return kernels_with<float>(b, params_);
  }
  std::shared_ptr<const ModelKernels<double>> kernels_double(BackendChoice b) const override {
    return kernels_with<double>(b, params_);
  }
  const Params& params() const { return params_; }

 protected:
  /// The kernels of Rates<T> built from parameters p (the model's own, or a variant of them).
  template <class T>
  static std::shared_ptr<const ModelKernels<T>> kernels_with(BackendChoice b, const Params& p) {
    const Rates<T> r(p);
    if (b == BackendChoice::Cuda) {
#ifdef LOBULE_HAVE_CUDA
      return make_cuda_kernels<T, Rates<T>>(r);
#else
      throw InputError("backend cuda: this lobule was built without the CUDA backend");
#endif
    }
    return std::make_shared<CpuModelKernels<T, Rates<T>>>(r);
  }

  Params params_{};

 private:
  std::vector<ParamSpec<Params>> table_;
};

}  // namespace lobule

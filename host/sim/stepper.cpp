#include "stepper.hpp"

#include <algorithm>

#include "build_fields.hpp"
#include "host/model/model.hpp"

namespace lobule {

template <class T>
Stepper<T>::Stepper(const Config& c, BackendChoice which)
    : c_(c), g_(make_geometry(c)), f_(build_fields<T>(c, g_)), backend_(make_backend<T>(which)) {
  if (c.model_impl) backend_->set_model(c.model_impl->kernels<T>(resolve_backend(which)));
  backend_->upload(f_);
}

template <class T>
void Stepper<T>::advance_to(double target, const std::function<void(double, long long)>& on_step) {
  const double dt = c_.time.dt;
  while (t_ < target) {
    const double h = std::min(dt, target - t_);
    backend_->step(t_, h);
    ++steps_;
    // Land exactly on the target so output times do not drift with round-off.
    t_ = (target - (t_ + h) <= 1e-9 * dt) ? target : t_ + h;
    host_current_ = false;
    if (on_step) on_step(t_, steps_);
  }
}

template <class T>
const HostFields<T>& Stepper<T>::fields() {
  if (!host_current_) backend_->download(f_);
  host_current_ = true;
  return f_;
}

template <class T>
void Stepper<T>::restore(HostFields<T> f, double t, long long steps) {
  f_ = std::move(f);
  backend_->upload(f_);
  t_ = t;
  steps_ = steps;
  host_current_ = true;
}

template class Stepper<float>;
template class Stepper<double>;

}  // namespace lobule

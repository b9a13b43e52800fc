// The time step shared by every backend: unsplit explicit, or Strang splitting.
#include "backend.hpp"

namespace lobule {

template <class T>
void Backend<T>::step(double t, double dt) {
  if (scheme() == Scheme::Explicit) {
    explicit_step(t, dt);
    return;
  }
  react(t, 0.5 * dt);
  diffuse(t, dt);
  react(t + 0.5 * dt, 0.5 * dt);
}

template class Backend<float>;
template class Backend<double>;

}  // namespace lobule

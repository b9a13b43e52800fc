#include "test_hooks.hpp"

#include <cstdlib>
#include <limits>

namespace lobule {

long long test_nan_step() {
  const char* v = std::getenv("LOBULE_TEST_INJECT_NAN_AT_STEP");
  if (!v || !*v) return -1;
  char* end = nullptr;
  const long long s = std::strtoll(v, &end, 10);
  return (*end == '\0' && s >= 0) ? s : -1;
}

template <class T>
void inject_nan(Stepper<T>& run) {
  HostFields<T> f = run.fields();
  const Box& b = f.box;
  f.species.at(0).u[b.idx(b.nx / 2, b.ny / 2, b.nz / 2)] = std::numeric_limits<T>::quiet_NaN();
  run.restore(std::move(f), run.time(), run.steps(), run.events_done());
}

template void inject_nan<float>(Stepper<float>&);
template void inject_nan<double>(Stepper<double>&);

}  // namespace lobule

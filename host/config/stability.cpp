#include "stability.hpp"

#include <limits>

namespace lobule {

double explicit_dt_limit(double D, double decay, const std::array<double, 3>& h) {
  const double sum_inv_h2 = 1 / (h[0] * h[0]) + 1 / (h[1] * h[1]) + 1 / (h[2] * h[2]);
  const double rate = 4 * D * sum_inv_h2 + decay;  // largest eigenvalue magnitude [1/s]
  return rate > 0 ? 2 / rate : std::numeric_limits<double>::infinity();
}

}  // namespace lobule

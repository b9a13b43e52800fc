#include "process_setup.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace lobule {

void open_closed_standard_streams() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // The lowest free number: fd itself, since the ones below it are open by now.
    const int got = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (got >= 0 && got != fd) {
      ::dup2(got, fd);
      ::close(got);
    }
  }
}

std::string cap_openmp_threads() {
  const int wanted = omp_get_max_threads();
  const int procs = omp_get_num_procs();
  if (procs < 1 || wanted <= procs) return "";
  omp_set_num_threads(procs);
  const char* env = std::getenv("OMP_NUM_THREADS");
  return fmt::format(
      "OMP_NUM_THREADS={} asks for {} OpenMP threads, more than the {} processor(s) this process "
      "may use: running {} threads (more only slow the run down)",
      env ? env : "", wanted, procs, procs);
}

}  // namespace lobule

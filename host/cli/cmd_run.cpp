#include <fmt/format.h>

#include "commands.hpp"
#include "host/sim/simulation.hpp"

namespace lobule {

int cmd_run(const CommonArgs& a, const std::string& out_dir, std::optional<BackendChoice> backend,
            bool quiet, const std::string& restart) {
  const Config c = load_config(a.config, a.set);
  print_warnings(c);
  RunOptions opt;
  opt.out_dir = out_dir;
  opt.backend = backend;
  opt.quiet = quiet;
  opt.restart = restart;
  const RunSummary s = run_simulation(c, opt);
  // The last line names the results, for scripts and the README's quick start.
  fmt::print("results: {}\n", s.out_dir);
  return 0;
}

}  // namespace lobule

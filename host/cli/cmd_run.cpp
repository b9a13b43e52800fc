#include <fmt/format.h>

#include <csignal>
#include <cstdio>

#include "commands.hpp"
#include "host/sim/simulation.hpp"

namespace lobule {

int cmd_run(const CommonArgs& a, const std::string& out_dir, std::optional<BackendChoice> backend,
            bool quiet, const std::string& restart, const std::string& from) {
  // A pipe that closes before the run loop starts only makes writes fail; during the loop it
  // stops the run with a checkpoint (run_signals.hpp).
  std::signal(SIGPIPE, SIG_IGN);
  // A restart or branch replaces the initial state: start files are not needed (nor read).
  const Config c = load_config(a.config, a.set, !restart.empty() || !from.empty());
  print_warnings(c);
  RunOptions opt;
  opt.out_dir = out_dir;
  opt.backend = backend;
  opt.quiet = quiet;
  opt.restart = restart;
  opt.from = from;
  const RunSummary s = run_simulation(c, opt);
  // The last line names the results, for scripts and the README's quick start.
  // std::fputs, not fmt::print: a closed stdout must not turn a finished run into an error.
  std::fputs(fmt::format("results: {}\n", s.out_dir).c_str(), stdout);
  return 0;
}

}  // namespace lobule

#include <fmt/format.h>

#include <cctype>
#include <csignal>
#include <cstdio>

#include "commands.hpp"
#include "host/sim/simulation.hpp"

namespace lobule {

std::string name_with_overrides(const std::string& name, const std::vector<std::string>& sets) {
  std::string out = name;
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    std::string key = s.substr(0, eq), value = eq == std::string::npos ? "" : s.substr(eq + 1);
    if (const auto dot = key.find_last_of('.'); dot != std::string::npos) key = key.substr(dot + 1);
    std::string part = key + "-" + value;
    for (char& ch : part)  // a scenario name: letters, digits, '.' and '-' (no '_': it separates)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-') ch = '-';
    out += "_" + part;
  }
  return out;
}

int cmd_run(const CommonArgs& a, const std::string& out_dir, std::optional<BackendChoice> backend,
            bool quiet, const std::string& restart, const std::string& from,
            const std::string& command, bool name_with_sets) {
  // A pipe that closes before the run loop starts only makes writes fail; during the loop it
  // stops the run with a checkpoint (run_signals.hpp).
  std::signal(SIGPIPE, SIG_IGN);
  // A restart or branch replaces the initial state: start files are not needed (nor read).
  Config c = load_config(a.config, a.set, !restart.empty() || !from.empty());
  if (name_with_sets) c.name = name_with_overrides(c.name, a.set);
  print_warnings(c);
  RunOptions opt;
  opt.out_dir = out_dir;
  opt.backend = backend;
  opt.quiet = quiet;
  opt.restart = restart;
  opt.from = from;
  opt.command = command;
  const RunSummary s = run_simulation(c, opt);
  // The last line names the results, for scripts and the README's quick start.
  // std::fputs, not fmt::print: a closed stdout must not turn a finished run into an error.
  std::fputs(fmt::format("results: {}\n", s.out_dir).c_str(), stdout);
  return 0;
}

}  // namespace lobule

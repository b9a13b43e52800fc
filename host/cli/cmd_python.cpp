#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "build_info.hpp"
#include "commands.hpp"
#include "host/errors.hpp"

namespace lobule {

bool is_python_command(const std::string& cmd) {
  return cmd == "sweep" || cmd == "sensitivity" || cmd == "calibrate";
}

// `lobule sweep|sensitivity|calibrate ARGS...` are the Python package's drivers (python/lobule;
// docs/sweeps.md): this process becomes `PYTHON -m lobule CMD ARGS...` with the project's
// interpreter ($LOBULE_PYTHON, else the .venv this build was configured with), and the sweep's
// runs use this executable ($LOBULE_EXE).
int cmd_python(int argc, char** argv) {
  namespace fs = std::filesystem;
  const char* env = std::getenv("LOBULE_PYTHON");
  const std::string python = env && *env ? env : LOBULE_PYTHON_DEFAULT;
  std::error_code ec;
  if (python.empty() || !fs::exists(python, ec)) {
    std::fprintf(stderr,
                 "lobule: %s is run by the Python package lobule, with the project's Python "
                 "environment, which is not there (%s): run `bash tools/install-deps.sh`, or set "
                 "LOBULE_PYTHON to an interpreter that has the package\n",
                 argv[1], python.empty() ? "none configured" : python.c_str());
    return kExitUsage;
  }
  if (!std::getenv("LOBULE_EXE")) {
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) setenv("LOBULE_EXE", self.c_str(), 1);
  }
  std::vector<char*> args{const_cast<char*>(python.c_str()), const_cast<char*>("-m"),
                          const_cast<char*>("lobule")};
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  std::fflush(nullptr);
  execv(python.c_str(), args.data());
  std::fprintf(stderr,
               "lobule: cannot start %s: %s; run `bash tools/install-deps.sh` to make the "
               "project's environment, or set LOBULE_PYTHON to an interpreter with the package\n",
               python.c_str(), std::strerror(errno));
  return kExitUsage;
}

}  // namespace lobule

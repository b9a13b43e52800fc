/// The signals a run reacts to; the handlers only set flags that the run loop reads at the
/// next step boundary.
#pragma once
#include <csignal>

namespace lobule {

/// Installs, for its lifetime, the run's signal handlers:
///   SIGTERM, SIGINT, SIGHUP  write a checkpoint and stop with exit code 130 (a second one
///                    while the first is handled ends the process at once, as without lobule);
///   SIGPIPE          (stdout or stderr went to a pipe that closed) the same stop, never
///                    escalated: later writes to the pipe just fail;
///   SIGUSR1          write a checkpoint and go on;
///   SIGXFSZ          ignored, so that a file size limit (ulimit -f) makes the write fail
///                    with EFBIG and the run ends with exit code 3 instead of a core dump.
/// The previous handlers are restored by the destructor.
class SignalGuard {
 public:
  SignalGuard();
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

  /// The stop signal received (SIGTERM, SIGINT, SIGHUP or SIGPIPE), or 0.
  static int stop_requested();
  /// Asks for the stop `sig` would (a checkpoint, then exit code 130) without a signal: the
  /// Python binding's progress callback raised.
  static void request_stop(int sig);
  /// Whether a SIGUSR1 arrived since the last call (clears the request).
  static bool take_checkpoint_request();

 private:
  struct sigaction old_term_ {
  }, old_int_{}, old_hup_{}, old_pipe_{}, old_usr1_{}, old_xfsz_{};
};

/// "SIGTERM", "SIGINT", ... for messages.
const char* signal_name(int sig);

}  // namespace lobule

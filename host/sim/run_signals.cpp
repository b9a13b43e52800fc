#include "run_signals.hpp"

#include <atomic>

namespace lobule {
namespace {

std::atomic<int> g_stop{0};
std::atomic<bool> g_checkpoint{false};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<bool>::is_always_lock_free,
              "signal handlers need lock-free atomics");

extern "C" void on_stop(int sig) {
  if (g_stop.exchange(sig) != 0) {  // second request: stop now, the default way
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

// A closed output pipe: stop like SIGTERM, but never escalate (every later write to the pipe
// raises SIGPIPE again; those writes then just fail).
extern "C" void on_lost_output(int sig) {
  int none = 0;
  g_stop.compare_exchange_strong(none, sig);
}

extern "C" void on_checkpoint(int) {
  g_checkpoint.store(true);
}

void install(int sig, void (*fn)(int), struct sigaction* old) {
  struct sigaction sa {};
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // interrupted reads and writes continue
  sigaction(sig, &sa, old);
}

}  // namespace

SignalGuard::SignalGuard() {
  g_stop = 0;
  g_checkpoint = false;
  install(SIGTERM, on_stop, &old_term_);
  install(SIGINT, on_stop, &old_int_);
  install(SIGHUP, on_stop, &old_hup_);
  install(SIGPIPE, on_lost_output, &old_pipe_);
  install(SIGUSR1, on_checkpoint, &old_usr1_);
  install(SIGXFSZ, SIG_IGN, &old_xfsz_);
}

SignalGuard::~SignalGuard() {
  sigaction(SIGTERM, &old_term_, nullptr);
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGHUP, &old_hup_, nullptr);
  sigaction(SIGPIPE, &old_pipe_, nullptr);
  sigaction(SIGUSR1, &old_usr1_, nullptr);
  sigaction(SIGXFSZ, &old_xfsz_, nullptr);
}

int SignalGuard::stop_requested() {
  return g_stop.load();
}

void SignalGuard::request_stop(int sig) {
  int none = 0;
  g_stop.compare_exchange_strong(none, sig);
}

bool SignalGuard::take_checkpoint_request() {
  return g_checkpoint.exchange(false);
}

const char* signal_name(int sig) {
  switch (sig) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGUSR1:
      return "SIGUSR1";
    case SIGHUP:
      return "SIGHUP (the terminal closed)";
    case SIGPIPE:
      return "SIGPIPE (the output pipe closed)";
    default:
      return "a signal";
  }
}

}  // namespace lobule

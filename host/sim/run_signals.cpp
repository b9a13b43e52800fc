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
  install(SIGUSR1, on_checkpoint, &old_usr1_);
  install(SIGXFSZ, SIG_IGN, &old_xfsz_);
}

SignalGuard::~SignalGuard() {
  sigaction(SIGTERM, &old_term_, nullptr);
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGUSR1, &old_usr1_, nullptr);
  sigaction(SIGXFSZ, &old_xfsz_, nullptr);
}

int SignalGuard::stop_requested() {
  return g_stop.load();
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
    default:
      return "a signal";
  }
}

}  // namespace lobule

#include "runtime/src/StopSignal.h"

namespace weir::rt {

std::atomic<int> gStopSignal{0};

namespace {
void onStop(int signal) { gStopSignal.store(signal, std::memory_order_relaxed); }
} // namespace

std::string stopSignalName() {
  switch (gStopSignal.load()) {
  case SIGINT: return "SIGINT";
  case SIGTERM: return "SIGTERM";
  }
  return "a signal";
}

StopSignals::StopSignals() {
  gStopSignal.store(0);
  struct sigaction action = {};
  action.sa_handler = onStop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &oldInt_);
  sigaction(SIGTERM, &action, &oldTerm_);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &oldInt_, nullptr);
  sigaction(SIGTERM, &oldTerm_, nullptr);
}

} // namespace weir::rt

// SIGINT and SIGTERM during a run that is not streaming (docs/operations.md,
// "Signals"; streaming runs have their own handler, RunStreaming.cpp). The
// handler only records the signal: scans stop at their next record boundary
// (a durable run after a final checkpoint, Durability::reached) with
// WEIR_ERR_STOPPED, and the run ends with its report and exit code 128 + N.
#pragma once

#include <atomic>
#include <csignal>
#include <string>

namespace weir::rt {

extern std::atomic<int> gStopSignal; // 0, or the signal that asked to stop

inline bool stopRequested() { return gStopSignal.load(std::memory_order_relaxed) != 0; }
// "SIGINT" / "SIGTERM"
std::string stopSignalName();

// Installs the handlers for its lifetime, then restores the previous ones.
class StopSignals {
public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals &) = delete;
  StopSignals &operator=(const StopSignals &) = delete;

private:
  struct sigaction oldInt_ = {}, oldTerm_ = {};
};

} // namespace weir::rt

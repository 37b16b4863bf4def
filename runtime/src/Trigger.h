// When a program runs (docs/language.md, "Triggers"): available_now
// processes what exists and stops; every <duration> runs micro-batches until
// stopped; realtime processes each record as it arrives. The file's
// `trigger` declaration reaches the runtime as WeirProgramDesc.trigger
// ("available_now", "realtime", "every:<ms>"); --trigger overrides it.
#pragma once

#include "runtime/src/Status.h"

#include <cstdint>
#include <string>

namespace weir::rt {

struct Trigger {
  enum class Kind { AvailableNow, Every, Realtime };
  Kind kind = Kind::AvailableNow;
  int64_t everyMs = 0; // Every: the interval

  bool streaming() const { return kind != Kind::AvailableNow; }
  std::string text() const; // "available_now", "every 30s", "realtime"
};

// Parses the descriptor's form ("every:30000") and the command line's
// ("every 30s", "every:30s", "every", "30s" as two words joined by a space).
Status parseTrigger(const std::string &text, Trigger &out);

// "30s", "250ms", "2m", "1h" -> milliseconds; false when not a duration > 0.
bool parseDurationMs(const std::string &text, int64_t &ms);

} // namespace weir::rt

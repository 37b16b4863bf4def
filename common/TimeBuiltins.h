// What the time built-ins compute over epoch milliseconds (UTC), header-only
// so that the runtime's C ABI functions (stdlib/runtime/TimeFns.cpp) and the
// compiler's constant folding (ir/passes/FoldBuiltins.cpp) run the very same
// code. Floor division (common/TimeFormat.h) keeps instants before 1970 in
// the right hour, day and bucket.
#pragma once

#include "common/TimeFormat.h"

#include <cstdint>

namespace weir::builtin {

inline constexpr int64_t kMsPerHour = 3'600'000;
inline constexpr int64_t kMsPerDay = 24 * kMsPerHour;

// hour(ts): 0..23.
inline int64_t hourOfDay(int64_t ms) { return rt::floorMod(ms, kMsPerDay) / kMsPerHour; }

// day_of_week(ts): ISO, Monday = 1 ... Sunday = 7; 1970-01-01 was a Thursday (4).
inline int64_t isoDayOfWeek(int64_t ms) {
  return rt::floorMod(rt::floorDiv(ms, kMsPerDay) + 3, 7) + 1;
}

// floor_time(ts, unit): the start of the unit-long bucket (aligned to the
// epoch) that holds ts. A unit <= 0 leaves ts unchanged.
inline int64_t floorToUnit(int64_t ms, int64_t unitMs) {
  if (unitMs <= 0)
    return ms;
  return rt::floorDiv(ms, unitMs) * unitMs;
}

} // namespace weir::builtin

// Time built-ins over epoch milliseconds, in UTC.
#include "common/TimeFormat.h"
#include "weir/runtime.h"

using namespace weir::rt;

extern "C" {

int64_t weir_ts_hour(int64_t ms) { return floorMod(ms, 86400000) / 3600000; }

// 1970-01-01 was a Thursday (ISO day 4).
int64_t weir_ts_day_of_week(int64_t ms) { return floorMod(floorDiv(ms, 86400000) + 3, 7) + 1; }

// floor_time(ts, unit): the start of the unit-long bucket (aligned to the
// epoch) that holds ts. A unit <= 0 leaves ts unchanged.
int64_t weir_ts_floor(int64_t ms, int64_t unitMs) {
  if (unitMs <= 0)
    return ms;
  return floorDiv(ms, unitMs) * unitMs;
}

} // extern "C"

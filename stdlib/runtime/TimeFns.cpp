// The time built-ins' C ABI: thin wrappers over the shared definitions in
// common/TimeBuiltins.h (which constant folding runs too).
#include "common/TimeBuiltins.h"
#include "weir/runtime.h"

using namespace weir::builtin;

extern "C" {

int64_t weir_ts_hour(int64_t ms) { return hourOfDay(ms); }

int64_t weir_ts_day_of_week(int64_t ms) { return isoDayOfWeek(ms); }

int64_t weir_ts_floor(int64_t ms, int64_t unitMs) { return floorToUnit(ms, unitMs); }

} // extern "C"

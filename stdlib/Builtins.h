// The built-in scalar functions and aggregates: their names and type rules.
// The frontend type-checks calls with `checkScalarCall`/`checkAggregateCall`;
// codegen lowers each `ScalarFn`/`AggFn` (see codegen/ExprCodegen.cpp and
// codegen/AggregateCodegen.cpp).
#pragma once

#include "common/Type.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weir {

enum class ScalarFn : uint8_t {
  // conditionals and null handling
  If,        // if(bool, T, T) -> T
  Coalesce,  // coalesce(T?, T, ...) -> T
  IsNull,    // is_null(T?) -> bool
  // casts (the type names are the function names)
  ToInt64,   // int64(x): from int64/float64 (truncates)/string (null if unparsable)/bool/timestamp/duration
  ToFloat64, // float64(x)
  ToString,  // string(x)
  ToBool,    // bool(x)
  ToTimestamp, // timestamp(x): from string (ISO-8601) or int64 (epoch ms)
  ToDuration,  // duration(x): from int64 (ms)
  // strings
  Length, Substr, Upper, Lower, Concat, Contains, StartsWith, EndsWith, Base64,
  // math
  Abs, Round, Floor, Ceil, Sqrt, Ln, Exp, Pow,
  // time
  FloorTime, Hour, DayOfWeek, EpochMillis,
  // hashing
  Hash,
};

enum class AggFn : uint8_t {
  Count,         // count() counts rows; count(x) counts non-null x
  Sum,
  Min,
  Max,
  Avg,
  CountDistinct,
  First,
  Last,
  StdDev,              // stddev(x): sample standard deviation (n - 1), float64?, null below 2 values
  Var,                 // var(x): sample variance, float64?, null below 2 values
  ApproxCountDistinct, // approx_count_distinct(x): int64, HyperLogLog
  ApproxPercentile,    // approx_percentile(x, p): float64?, p a constant in [0, 1] (AggCall::param)
};

struct BuiltinSignatureError {
  std::string message; // e.g. "substr expects (string, int64[, int64])"
  int argIndex = -1;   // the offending argument, -1 for the call as a whole
};

std::optional<ScalarFn> lookupScalarFn(std::string_view name);
std::optional<AggFn> lookupAggFn(std::string_view name);
const char *scalarFnName(ScalarFn fn);
const char *aggFnName(AggFn fn);

// Computes the result type of a call from its argument types, or explains why
// the arguments do not fit. Nullability: a result is nullable when any argument
// is (except coalesce/is_null/if-condition rules documented in docs/language.md).
struct ScalarCallResult {
  std::optional<Type> type;
  BuiltinSignatureError error;
};
ScalarCallResult checkScalarCall(ScalarFn fn, const std::vector<Type> &args);

struct AggCallResult {
  std::optional<Type> type;
  BuiltinSignatureError error;
};
// `args` is empty for count().
AggCallResult checkAggregateCall(AggFn fn, const std::vector<Type> &args);

} // namespace weir

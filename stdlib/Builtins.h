// The built-in scalar functions and aggregates: their names and type rules.
// The scalar functions are declared once, in stdlib/Builtins.def. The
// frontend type-checks calls with `checkScalarCall`/`checkAggregateCall`;
// codegen lowers each `ScalarFn`/`AggFn` (see codegen/BuiltinCallCodegen.cpp
// and codegen/AggregateCodegen.cpp).
#pragma once

#include "common/Type.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weir {

// The scalar functions, one per row of stdlib/Builtins.def (in its order).
enum class ScalarFn : uint8_t {
#define WEIR_SCALAR_BUILTIN(Id, ...) Id,
#include "stdlib/Builtins.def"
};

// Sets of argument kinds, as written in the Params column of Builtins.def.
using KindSet = uint8_t;
constexpr KindSet kindBit(TypeKind k) { return static_cast<KindSet>(1u << static_cast<unsigned>(k)); }
inline constexpr KindSet kBool = kindBit(TypeKind::Bool);
inline constexpr KindSet kInt64 = kindBit(TypeKind::Int64);
inline constexpr KindSet kFloat64 = kindBit(TypeKind::Float64);
inline constexpr KindSet kString = kindBit(TypeKind::String);
inline constexpr KindSet kTimestamp = kindBit(TypeKind::Timestamp);
inline constexpr KindSet kDuration = kindBit(TypeKind::Duration);
inline constexpr KindSet kAnyKind = kBool | kInt64 | kFloat64 | kString | kTimestamp | kDuration;

// Strict: a null argument makes the result null. NullAware: if, coalesce,
// is_null look at nulls themselves.
enum class NullRule : uint8_t { Strict, NullAware };
// Pure: the result depends on the arguments only, so a call on literals may
// be folded and repeated calls merged. Impure: neither.
enum class Purity : uint8_t { Pure, Impure };

// One row of stdlib/Builtins.def, as the compiler reads it.
struct ScalarBuiltin {
  ScalarFn fn;
  const char *name;
  TypeKind result;
  KindSet params[3]; // 0 past the last parameter
  uint8_t paramCount;
  uint8_t optional;
  const char *message;       // the diagnostic when the arguments do not fit
  NullRule nulls;
  Purity purity;
  const char *runtimeSymbol; // nullptr: lowered inline
};
const ScalarBuiltin &scalarBuiltin(ScalarFn fn);

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

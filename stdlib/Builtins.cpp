// Names and type rules of the built-in functions (the compiler side of
// stdlib/Builtins.h). The rules are documented for users in docs/language.md;
// keep the two in step.
#include "stdlib/Builtins.h"

#include <array>
#include <initializer_list>

namespace weir {
namespace {

struct ScalarName { ScalarFn fn; const char *name; };
constexpr ScalarName kScalarNames[] = {
    {ScalarFn::If, "if"},
    {ScalarFn::Coalesce, "coalesce"},
    {ScalarFn::IsNull, "is_null"},
    {ScalarFn::ToInt64, "int64"},
    {ScalarFn::ToFloat64, "float64"},
    {ScalarFn::ToString, "string"},
    {ScalarFn::ToBool, "bool"},
    {ScalarFn::ToTimestamp, "timestamp"},
    {ScalarFn::ToDuration, "duration"},
    {ScalarFn::Length, "length"},
    {ScalarFn::Substr, "substr"},
    {ScalarFn::Upper, "upper"},
    {ScalarFn::Lower, "lower"},
    {ScalarFn::Concat, "concat"},
    {ScalarFn::Contains, "contains"},
    {ScalarFn::StartsWith, "starts_with"},
    {ScalarFn::EndsWith, "ends_with"},
    {ScalarFn::Base64, "base64"},
    {ScalarFn::Abs, "abs"},
    {ScalarFn::Round, "round"},
    {ScalarFn::Floor, "floor"},
    {ScalarFn::Ceil, "ceil"},
    {ScalarFn::Sqrt, "sqrt"},
    {ScalarFn::Ln, "ln"},
    {ScalarFn::Exp, "exp"},
    {ScalarFn::Pow, "pow"},
    {ScalarFn::FloorTime, "floor_time"},
    {ScalarFn::Hour, "hour"},
    {ScalarFn::DayOfWeek, "day_of_week"},
    {ScalarFn::EpochMillis, "epoch_millis"},
    {ScalarFn::Hash, "hash"},
};

struct AggName { AggFn fn; const char *name; };
constexpr AggName kAggNames[] = {
    {AggFn::Count, "count"}, {AggFn::Sum, "sum"},     {AggFn::Min, "min"},
    {AggFn::Max, "max"},     {AggFn::Avg, "avg"},     {AggFn::CountDistinct, "count_distinct"},
    {AggFn::First, "first"}, {AggFn::Last, "last"},
    {AggFn::StdDev, "stddev"}, {AggFn::Var, "var"},
    {AggFn::ApproxCountDistinct, "approx_count_distinct"},
    {AggFn::ApproxPercentile, "approx_percentile"},
};

using K = TypeKind;

// A `null` literal (kind Null) fits any parameter; the call then yields null.
bool fits(Type t, std::initializer_list<TypeKind> kinds) {
  if (t.kind == K::Null)
    return true;
  for (TypeKind k : kinds)
    if (t.kind == k)
      return true;
  return false;
}

bool anyNullable(const std::vector<Type> &args) {
  for (Type t : args)
    if (t.nullable || t.kind == K::Null)
      return true;
  return false;
}

ScalarCallResult fail(std::string message, int argIndex = -1) {
  return {std::nullopt, {std::move(message), argIndex}};
}
ScalarCallResult ok(TypeKind kind, bool nullable) { return {Type::of(kind, nullable), {}}; }

// A strict function: null in any argument gives null.
ScalarCallResult strict(TypeKind kind, const std::vector<Type> &args) {
  return ok(kind, anyNullable(args));
}

// Checks a fixed signature: one kind set per parameter, the last `optional`
// of them may be left out.
bool matches(const std::vector<Type> &args,
             std::initializer_list<std::initializer_list<TypeKind>> params, size_t optional,
             int &badArg) {
  badArg = -1;
  if (args.size() > params.size() || args.size() + optional < params.size())
    return false;
  size_t i = 0;
  for (auto kinds : params) {
    if (i == args.size())
      break;
    if (!fits(args[i], kinds)) {
      badArg = static_cast<int>(i);
      return false;
    }
    ++i;
  }
  return true;
}

// The common type of two values (if-branches, coalesce arguments): equal
// kinds, int64 with float64 (float64), or null with anything.
std::optional<Type> unify(Type a, Type b) {
  if (a.kind == K::Null)
    return b.withNullable(true);
  if (b.kind == K::Null)
    return a.withNullable(true);
  bool nullable = a.nullable || b.nullable;
  if (a.kind == b.kind)
    return Type::of(a.kind, nullable);
  if (a.isNumeric() && b.isNumeric())
    return Type::of(K::Float64, nullable);
  return std::nullopt;
}

ScalarCallResult checkIf(const std::vector<Type> &args) {
  if (args.size() != 3)
    return fail("'if' expects (bool, T, T)");
  if (!fits(args[0], {K::Bool}))
    return fail("the condition of 'if' must be bool, not " + typeName(args[0]), 0);
  auto common = unify(args[1], args[2]);
  if (!common)
    return fail("the branches of 'if' have different types: " + typeName(args[1]) + " and " +
                    typeName(args[2]),
                2);
  // A null condition picks the else branch, so it does not make the result null.
  return {*common, {}};
}

ScalarCallResult checkCoalesce(const std::vector<Type> &args) {
  if (args.empty())
    return fail("'coalesce' expects at least one argument");
  Type result = args[0];
  bool allNullable = true;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) {
      auto common = unify(result, args[i]);
      if (!common)
        return fail("the arguments of 'coalesce' have different types: " + typeName(result) +
                        " and " + typeName(args[i]),
                    static_cast<int>(i));
      result = *common;
    }
    allNullable = allNullable && (args[i].nullable || args[i].kind == K::Null);
  }
  return {result.withNullable(allNullable), {}};
}

// A cast: `from` lists the accepted argument kinds; casts from string yield
// null when the text does not parse.
ScalarCallResult checkCast(const char *name, TypeKind to, const std::vector<Type> &args,
                           std::initializer_list<TypeKind> from, const char *fromText) {
  if (args.size() != 1 || !fits(args[0], from))
    return fail(std::string("'") + name + "' expects one argument of type " + fromText,
                args.size() == 1 ? 0 : -1);
  bool parses = args[0].kind == K::String && to != K::String;
  return ok(to, anyNullable(args) || parses);
}

ScalarCallResult checkFixed(const char *signature, TypeKind result, const std::vector<Type> &args,
                            std::initializer_list<std::initializer_list<TypeKind>> params,
                            size_t optional = 0) {
  int badArg;
  if (!matches(args, params, optional, badArg))
    return fail(signature, badArg);
  return strict(result, args);
}

// abs, round, floor, ceil: the result has the argument's kind.
ScalarCallResult checkSameKindMath(const char *signature, const std::vector<Type> &args,
                                   std::initializer_list<TypeKind> kinds, bool digits) {
  int badArg;
  if (digits ? !matches(args, {kinds, {K::Int64}}, 1, badArg) : !matches(args, {kinds}, 0, badArg))
    return fail(signature, badArg);
  TypeKind kind = args[0].kind == K::Null ? K::Float64 : args[0].kind;
  return strict(kind, args);
}

} // namespace

std::optional<ScalarFn> lookupScalarFn(std::string_view name) {
  for (const ScalarName &s : kScalarNames)
    if (name == s.name)
      return s.fn;
  return std::nullopt;
}

std::optional<AggFn> lookupAggFn(std::string_view name) {
  for (const AggName &a : kAggNames)
    if (name == a.name)
      return a.fn;
  return std::nullopt;
}

const char *scalarFnName(ScalarFn fn) {
  for (const ScalarName &s : kScalarNames)
    if (s.fn == fn)
      return s.name;
  return "?";
}

const char *aggFnName(AggFn fn) {
  for (const AggName &a : kAggNames)
    if (a.fn == fn)
      return a.name;
  return "?";
}

ScalarCallResult checkScalarCall(ScalarFn fn, const std::vector<Type> &args) {
  const std::initializer_list<TypeKind> num = {K::Int64, K::Float64};
  switch (fn) {
  case ScalarFn::If: return checkIf(args);
  case ScalarFn::Coalesce: return checkCoalesce(args);
  case ScalarFn::IsNull:
    if (args.size() != 1)
      return fail("'is_null' expects one argument");
    return ok(K::Bool, false);
  case ScalarFn::ToInt64:
    return checkCast("int64", K::Int64, args,
                     {K::Int64, K::Float64, K::String, K::Bool, K::Timestamp, K::Duration},
                     "int64, float64, string, bool, timestamp or duration");
  case ScalarFn::ToFloat64:
    return checkCast("float64", K::Float64, args, {K::Int64, K::Float64, K::String, K::Bool},
                     "int64, float64, string or bool");
  case ScalarFn::ToString:
    return checkCast("string", K::String, args,
                     {K::Bool, K::Int64, K::Float64, K::String, K::Timestamp, K::Duration},
                     "bool, int64, float64, string, timestamp or duration");
  case ScalarFn::ToBool:
    return checkCast("bool", K::Bool, args, {K::Bool, K::Int64, K::String},
                     "bool, int64 or string");
  case ScalarFn::ToTimestamp:
    return checkCast("timestamp", K::Timestamp, args, {K::Timestamp, K::Int64, K::String},
                     "timestamp, int64 (epoch milliseconds) or string (ISO-8601)");
  case ScalarFn::ToDuration:
    return checkCast("duration", K::Duration, args, {K::Duration, K::Int64},
                     "duration or int64 (milliseconds)");
  case ScalarFn::Length:
    return checkFixed("'length' expects (string)", K::Int64, args, {{K::String}});
  case ScalarFn::Substr:
    return checkFixed("'substr' expects (string, int64[, int64])", K::String, args,
                      {{K::String}, {K::Int64}, {K::Int64}}, 1);
  case ScalarFn::Upper:
    return checkFixed("'upper' expects (string)", K::String, args, {{K::String}});
  case ScalarFn::Lower:
    return checkFixed("'lower' expects (string)", K::String, args, {{K::String}});
  case ScalarFn::Base64:
    return checkFixed("'base64' expects (string)", K::String, args, {{K::String}});
  case ScalarFn::Concat:
    if (args.empty())
      return fail("'concat' expects one or more strings");
    for (size_t i = 0; i < args.size(); ++i)
      if (!fits(args[i], {K::String}))
        return fail("'concat' expects strings; convert other values with string(x)",
                    static_cast<int>(i));
    return strict(K::String, args);
  case ScalarFn::Contains:
    return checkFixed("'contains' expects (string, string)", K::Bool, args,
                      {{K::String}, {K::String}});
  case ScalarFn::StartsWith:
    return checkFixed("'starts_with' expects (string, string)", K::Bool, args,
                      {{K::String}, {K::String}});
  case ScalarFn::EndsWith:
    return checkFixed("'ends_with' expects (string, string)", K::Bool, args,
                      {{K::String}, {K::String}});
  case ScalarFn::Abs:
    return checkSameKindMath("'abs' expects (int64, float64 or duration)", args,
                             {K::Int64, K::Float64, K::Duration}, false);
  case ScalarFn::Round:
    return checkSameKindMath("'round' expects (int64 or float64[, int64 digits])", args, num, true);
  case ScalarFn::Floor:
    return checkSameKindMath("'floor' expects (int64 or float64)", args, num, false);
  case ScalarFn::Ceil:
    return checkSameKindMath("'ceil' expects (int64 or float64)", args, num, false);
  case ScalarFn::Sqrt:
    return checkFixed("'sqrt' expects (int64 or float64)", K::Float64, args, {num});
  case ScalarFn::Ln:
    return checkFixed("'ln' expects (int64 or float64)", K::Float64, args, {num});
  case ScalarFn::Exp:
    return checkFixed("'exp' expects (int64 or float64)", K::Float64, args, {num});
  case ScalarFn::Pow:
    return checkFixed("'pow' expects (int64 or float64, int64 or float64)", K::Float64, args,
                      {num, num});
  case ScalarFn::FloorTime:
    return checkFixed("'floor_time' expects (timestamp, duration)", K::Timestamp, args,
                      {{K::Timestamp}, {K::Duration}});
  case ScalarFn::Hour:
    return checkFixed("'hour' expects (timestamp)", K::Int64, args, {{K::Timestamp}});
  case ScalarFn::DayOfWeek:
    return checkFixed("'day_of_week' expects (timestamp)", K::Int64, args, {{K::Timestamp}});
  case ScalarFn::EpochMillis:
    return checkFixed("'epoch_millis' expects (timestamp)", K::Int64, args, {{K::Timestamp}});
  case ScalarFn::Hash:
    if (args.empty())
      return fail("'hash' expects one or more arguments");
    return strict(K::Int64, args);
  }
  return fail("unknown function");
}

AggCallResult checkAggregateCall(AggFn fn, const std::vector<Type> &args) {
  auto failAgg = [](std::string message, int argIndex = -1) {
    return AggCallResult{std::nullopt, {std::move(message), argIndex}};
  };
  const char *name = aggFnName(fn);
  if (fn == AggFn::Count && args.empty())
    return {Type::of(K::Int64), {}};
  if (fn == AggFn::ApproxPercentile) {
    // (x, p): the frontend checks that p is a literal in [0, 1] and keeps its
    // value in AggCall::param.
    if (args.size() != 2)
      return failAgg("'approx_percentile' expects (value, fraction), e.g. approx_percentile(amount, 0.95)");
    if (args[0].kind == K::Null)
      return failAgg("cannot aggregate a null literal with 'approx_percentile'", 0);
    if (!fits(args[0], {K::Int64, K::Float64}))
      return failAgg("'approx_percentile' expects int64 or float64 values, not " + typeName(args[0]), 0);
    if (args[1].kind != K::Float64 || args[1].nullable)
      return failAgg("'approx_percentile' expects its fraction as a float64 literal in [0, 1], e.g. 0.95",
                     1);
    return {Type::of(K::Float64, true), {}}; // null when no non-null value came
  }
  if (args.size() != 1)
    return failAgg(fn == AggFn::Count ? "'count' expects () or (value)"
                                      : std::string("'") + name + "' expects one argument");
  Type arg = args[0];
  if (arg.kind == K::Null)
    return failAgg(std::string("cannot aggregate a null literal with '") + name + "'", 0);
  switch (fn) {
  case AggFn::Count:
  case AggFn::CountDistinct:
    return {Type::of(K::Int64), {}};
  case AggFn::Sum:
    if (!fits(arg, {K::Int64, K::Float64, K::Duration}))
      return failAgg("'sum' expects int64, float64 or duration, not " + typeName(arg), 0);
    return {arg, {}};
  case AggFn::Min:
  case AggFn::Max:
    if (!fits(arg, {K::Int64, K::Float64, K::String, K::Timestamp, K::Duration}))
      return failAgg(std::string("'") + name +
                         "' expects int64, float64, string, timestamp or duration, not " +
                         typeName(arg),
                     0);
    return {arg, {}};
  case AggFn::Avg:
    if (!fits(arg, {K::Int64, K::Float64}))
      return failAgg("'avg' expects int64 or float64, not " + typeName(arg), 0);
    return {Type::of(K::Float64, arg.nullable), {}};
  case AggFn::First:
  case AggFn::Last:
    return {arg, {}};
  case AggFn::StdDev:
  case AggFn::Var:
    if (!fits(arg, {K::Int64, K::Float64}))
      return failAgg(std::string("'") + name + "' expects int64 or float64, not " + typeName(arg), 0);
    return {Type::of(K::Float64, true), {}}; // null below two non-null values
  case AggFn::ApproxCountDistinct:
    return {Type::of(K::Int64), {}};
  case AggFn::ApproxPercentile:
    break; // checked above
  }
  return failAgg("unknown aggregate");
}

} // namespace weir

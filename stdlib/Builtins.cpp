// Names and type rules of the built-in functions (the compiler side of
// stdlib/Builtins.h); the scalar functions' rows are in stdlib/Builtins.def.
// The rules are documented for users in docs/language.md; keep the two in
// step.
#include "stdlib/Builtins.h"

#include <initializer_list>
#include <iterator>

namespace weir {
namespace {

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

bool fits(Type t, KindSet kinds) { return t.kind == K::Null || (kinds & kindBit(t.kind)) != 0; }

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

// The type rules, one per TypeRule of stdlib/Builtins.def. Each gets its row
// (expected kinds, result kind, diagnostic) and the argument types.
using Row = ScalarBuiltin;

// Checks a fixed signature: the row's kind set per parameter, the last
// `optional` of them may be left out.
bool matches(const Row &row, const std::vector<Type> &args, int &badArg) {
  badArg = -1;
  if (args.size() > row.paramCount || args.size() + row.optional < row.paramCount)
    return false;
  for (size_t i = 0; i < args.size(); ++i)
    if (!fits(args[i], row.params[i])) {
      badArg = static_cast<int>(i);
      return false;
    }
  return true;
}

ScalarCallResult checkIf(const Row &row, const std::vector<Type> &args) {
  if (args.size() != 3)
    return fail(row.message);
  if (!fits(args[0], row.params[0]))
    return fail("the condition of 'if' must be bool, not " + typeName(args[0]), 0);
  auto common = unify(args[1], args[2]);
  if (!common)
    return fail("the branches of 'if' have different types: " + typeName(args[1]) + " and " +
                    typeName(args[2]),
                2);
  // A null condition picks the else branch, so it does not make the result null.
  return {*common, {}};
}

ScalarCallResult checkCoalesce(const Row &row, const std::vector<Type> &args) {
  if (args.empty())
    return fail(row.message);
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

ScalarCallResult checkIsNull(const Row &row, const std::vector<Type> &args) {
  if (args.size() != 1)
    return fail(row.message);
  return ok(K::Bool, false);
}

// A cast to the row's result kind from one of its parameter kinds; casts
// from string yield null when the text does not parse.
ScalarCallResult checkCast(const Row &row, const std::vector<Type> &args) {
  if (args.size() != 1 || !fits(args[0], row.params[0]))
    return fail(row.message, args.size() == 1 ? 0 : -1);
  bool parses = args[0].kind == K::String && row.result != K::String;
  return ok(row.result, anyNullable(args) || parses);
}

ScalarCallResult checkFixed(const Row &row, const std::vector<Type> &args) {
  int badArg;
  if (!matches(row, args, badArg))
    return fail(row.message, badArg);
  return strict(row.result, args);
}

// abs, round, floor, ceil: the result has the argument's kind.
ScalarCallResult checkSameKindMath(const Row &row, const std::vector<Type> &args) {
  int badArg;
  if (!matches(row, args, badArg))
    return fail(row.message, badArg);
  TypeKind kind = args[0].kind == K::Null ? row.result : args[0].kind;
  return strict(kind, args);
}

ScalarCallResult checkConcat(const Row &row, const std::vector<Type> &args) {
  if (args.empty())
    return fail(row.message);
  for (size_t i = 0; i < args.size(); ++i)
    if (!fits(args[i], row.params[0]))
      return fail("'concat' expects strings; convert other values with string(x)",
                  static_cast<int>(i));
  return strict(row.result, args);
}

ScalarCallResult checkHash(const Row &row, const std::vector<Type> &args) {
  if (args.empty())
    return fail(row.message);
  return strict(row.result, args);
}

using TypeRule = ScalarCallResult (*)(const Row &, const std::vector<Type> &);

// The rows of stdlib/Builtins.def, with their type rules, indexed by ScalarFn
// (the enum is generated from the same rows, in the same order).
struct RowAndRule {
  ScalarBuiltin row;
  TypeRule rule;
};
#define WEIR_PARAMS(...)                                                                            \
  {__VA_ARGS__}, static_cast<uint8_t>(std::initializer_list<KindSet>{__VA_ARGS__}.size())
constexpr RowAndRule kScalarRows[] = {
#define WEIR_SCALAR_BUILTIN(Id, Name, Result, Params, Optional, TypeRule, Message, Nulls, Purity_,  \
                            RuntimeSymbol, Folder, Emitter)                                         \
  {{ScalarFn::Id, Name, K::Result, WEIR_PARAMS Params, Optional, Message, NullRule::Nulls,          \
    Purity::Purity_, RuntimeSymbol},                                                                \
   &TypeRule},
#include "stdlib/Builtins.def"
};
#undef WEIR_PARAMS

} // namespace

const ScalarBuiltin &scalarBuiltin(ScalarFn fn) {
  return kScalarRows[static_cast<size_t>(fn)].row;
}

std::optional<ScalarFn> lookupScalarFn(std::string_view name) {
  for (const RowAndRule &r : kScalarRows)
    if (name == r.row.name)
      return r.row.fn;
  return std::nullopt;
}

std::optional<AggFn> lookupAggFn(std::string_view name) {
  for (const AggName &a : kAggNames)
    if (name == a.name)
      return a.fn;
  return std::nullopt;
}

const char *scalarFnName(ScalarFn fn) {
  return static_cast<size_t>(fn) < std::size(kScalarRows) ? scalarBuiltin(fn).name : "?";
}

const char *aggFnName(AggFn fn) {
  for (const AggName &a : kAggNames)
    if (a.fn == fn)
      return a.name;
  return "?";
}

ScalarCallResult checkScalarCall(ScalarFn fn, const std::vector<Type> &args) {
  const RowAndRule &r = kScalarRows[static_cast<size_t>(fn)];
  return r.rule(r.row, args);
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

// Constant folding and run time must not disagree: for every built-in that
// folds and has a runtime symbol (its row in stdlib/Builtins.def), fold the
// call over edge-case literals and compare with what the runtime's C function
// returns for the same inputs.
#include "ir/passes/FoldSupport.h"
#include "runtime/src/Arena.h"
#include "stdlib/Builtins.h"
#include "weir/runtime.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace weir {
namespace {

using ir::Expr;
using ir::ExprKind;
using ir::ExprPtr;
using ir::LiteralValue;

struct Arg {
  LiteralValue value;
  Type type;
};
Arg str(std::string s) { return {std::move(s), Type::of(TypeKind::String)}; }
Arg i64(int64_t v) { return {v, Type::of(TypeKind::Int64)}; }
Arg f64(double v) { return {v, Type::of(TypeKind::Float64)}; }
Arg ts(int64_t ms) { return {ms, Type::of(TypeKind::Timestamp)}; }
Arg dur(int64_t ms) { return {ms, Type::of(TypeKind::Duration)}; }

// The folded value of fn(args), or nothing when the folder leaves the call.
std::optional<LiteralValue> folded(ScalarFn fn, const std::vector<Arg> &args) {
  std::vector<Type> types;
  std::vector<ExprPtr> operands;
  for (const Arg &a : args) {
    types.push_back(a.type);
    operands.push_back(Expr::makeLiteral(a.value, a.type));
  }
  ScalarCallResult typed = checkScalarCall(fn, types);
  EXPECT_TRUE(typed.type) << scalarFnName(fn) << ": " << typed.error.message;
  if (!typed.type)
    return std::nullopt;
  ExprPtr e = Expr::makeCall(fn, std::move(operands), *typed.type);
  ir::fold::foldLiteralCall(e);
  if (e->kind != ExprKind::Literal)
    return std::nullopt;
  return e->literal;
}

// What the runtime's C function returns for fn(args); nothing when this test
// does not know how to call it.
class Runtime {
public:
  std::optional<LiteralValue> call(ScalarFn fn, const std::vector<Arg> &a) {
    switch (fn) {
    case ScalarFn::Length: return LiteralValue(weir_str_length(p(a[0]), n(a[0])));
    case ScalarFn::Upper: return strResult(weir_str_upper, a[0]);
    case ScalarFn::Lower: return strResult(weir_str_lower, a[0]);
    case ScalarFn::Base64: return strResult(weir_str_base64, a[0]);
    case ScalarFn::Substr: {
      WeirStr out;
      weir_str_substr(&arena_, p(a[0]), n(a[0]), int64(a[1]), a.size() > 2 ? int64(a[2]) : -1, &out);
      return text(out);
    }
    case ScalarFn::Concat: {
      std::vector<WeirStr> parts;
      for (const Arg &x : a)
        parts.push_back({p(x), n(x)});
      WeirStr out;
      weir_str_concat(&arena_, parts.data(), static_cast<int64_t>(parts.size()), &out);
      return text(out);
    }
    case ScalarFn::Contains: return LiteralValue(weir_str_contains(p(a[0]), n(a[0]), p(a[1]), n(a[1])) != 0);
    case ScalarFn::StartsWith:
      return LiteralValue(weir_str_starts_with(p(a[0]), n(a[0]), p(a[1]), n(a[1])) != 0);
    case ScalarFn::EndsWith:
      return LiteralValue(weir_str_ends_with(p(a[0]), n(a[0]), p(a[1]), n(a[1])) != 0);
    case ScalarFn::Round: return LiteralValue(weir_round(std::get<double>(a[0].value), int64(a[1])));
    case ScalarFn::FloorTime: return LiteralValue(weir_ts_floor(int64(a[0]), int64(a[1])));
    case ScalarFn::Hour: return LiteralValue(weir_ts_hour(int64(a[0])));
    case ScalarFn::DayOfWeek: return LiteralValue(weir_ts_day_of_week(int64(a[0])));
    default: return std::nullopt;
    }
  }

private:
  static const char *p(const Arg &a) { return std::get<std::string>(a.value).data(); }
  static int64_t n(const Arg &a) { return static_cast<int64_t>(std::get<std::string>(a.value).size()); }
  static int64_t int64(const Arg &a) { return std::get<int64_t>(a.value); }
  static LiteralValue text(WeirStr s) { return std::string(s.ptr, static_cast<size_t>(s.len)); }
  LiteralValue strResult(void (*fn)(WeirArena *, const char *, int64_t, WeirStr *), const Arg &a) {
    WeirStr out;
    fn(&arena_, p(a), n(a), &out);
    return text(out);
  }
  WeirArena arena_;
};

std::string show(const LiteralValue &v) {
  if (auto *s = std::get_if<std::string>(&v))
    return "\"" + *s + "\"";
  if (auto *i = std::get_if<int64_t>(&v))
    return std::to_string(*i);
  if (auto *d = std::get_if<double>(&v))
    return std::to_string(*d);
  if (auto *b = std::get_if<bool>(&v))
    return *b ? "true" : "false";
  return "null";
}

std::string show(ScalarFn fn, const std::vector<Arg> &args) {
  std::string s = std::string(scalarFnName(fn)) + "(";
  for (size_t i = 0; i < args.size(); ++i)
    s += (i ? ", " : "") + show(args[i].value);
  return s + ")";
}

// Edge cases: empty strings, multi-byte UTF-8 (2, 3 and 4 bytes), bytes that
// are not UTF-8, mixed case beyond ASCII.
const std::vector<std::string> kStrings = {
    "", "a", "abc", "h\xC3\xA9llo", "\xE2\x82\xAC" "1\xE2\x82\xAC", "\xF0\x9F\x98\x80xy",
    "\xC3\x89" "cole MiXeD", "\xFF\x80z", std::string("ab\0c", 4), "hello world",
};
const std::vector<int64_t> kPositions = {std::numeric_limits<int64_t>::min(), -100, -7, -3, -1, 0,
                                         1, 2, 3, 6, 100, std::numeric_limits<int64_t>::max()};
// Instants around and before 1970, day and hour boundaries, far past and future.
const std::vector<int64_t> kInstants = {0, 1, -1, 3'599'999, 3'600'000, -3'600'000, -3'600'001,
                                        86'399'999, -86'400'000, -86'400'001, 1'700'000'000'123,
                                        -62'135'596'800'000 /* 0001-01-01 */, 253'402'300'799'999,
                                        -1'000'000'000'000'000};
const std::vector<int64_t> kUnits = {1, 7, 1000, 60'000, 3'600'000, 86'400'000, 7 * 86'400'000LL, 0, -5};

std::vector<std::pair<ScalarFn, std::vector<Arg>>> agreementCases() {
  std::vector<std::pair<ScalarFn, std::vector<Arg>>> cases;
  for (const std::string &s : kStrings) {
    for (ScalarFn fn : {ScalarFn::Length, ScalarFn::Upper, ScalarFn::Lower, ScalarFn::Base64})
      cases.push_back({fn, {str(s)}});
    for (int64_t start : kPositions) {
      cases.push_back({ScalarFn::Substr, {str(s), i64(start)}});
      for (int64_t len : {int64_t(-1), int64_t(0), int64_t(1), int64_t(2), int64_t(5),
                          std::numeric_limits<int64_t>::max()})
        cases.push_back({ScalarFn::Substr, {str(s), i64(start), i64(len)}});
    }
    for (const std::string &q : kStrings) {
      for (ScalarFn fn : {ScalarFn::Contains, ScalarFn::StartsWith, ScalarFn::EndsWith, ScalarFn::Concat})
        cases.push_back({fn, {str(s), str(q)}});
      cases.push_back({ScalarFn::Concat, {str(q), str(s), str(q)}});
    }
  }
  // prefixes and suffixes that are found
  cases.push_back({ScalarFn::StartsWith, {str("h\xC3\xA9llo"), str("h\xC3")}});
  cases.push_back({ScalarFn::EndsWith, {str("h\xC3\xA9llo"), str("llo")}});
  cases.push_back({ScalarFn::Contains, {str("h\xC3\xA9llo"), str("\xA9l")}});
  for (double x : {1.005, -2.5, 0.125, 123.456, 1e300})
    for (int64_t digits : {-2, 0, 1, 2})
      cases.push_back({ScalarFn::Round, {f64(x), i64(digits)}});
  for (int64_t ms : kInstants) {
    cases.push_back({ScalarFn::Hour, {ts(ms)}});
    cases.push_back({ScalarFn::DayOfWeek, {ts(ms)}});
    for (int64_t unit : kUnits)
      cases.push_back({ScalarFn::FloorTime, {ts(ms), dur(unit)}});
  }
  return cases;
}

TEST(FoldAgreesWithRuntime, EveryFoldedCallEqualsTheRuntimeResult) {
  Runtime runtime;
  std::map<ScalarFn, int> foldedCount;
  for (const auto &[fn, args] : agreementCases()) {
    std::optional<LiteralValue> atCompileTime = folded(fn, args);
    if (!atCompileTime)
      continue;
    ++foldedCount[fn];
    std::optional<LiteralValue> atRunTime = runtime.call(fn, args);
    ASSERT_TRUE(atRunTime) << show(fn, args);
    EXPECT_EQ(*atCompileTime, *atRunTime)
        << show(fn, args) << " folds to " << show(*atCompileTime) << " but the runtime returns "
        << show(*atRunTime);
  }
  // The comparison is not vacuous: each of these folds its literal calls.
  for (ScalarFn fn : {ScalarFn::Length, ScalarFn::Upper, ScalarFn::Lower, ScalarFn::Base64,
                      ScalarFn::Substr, ScalarFn::Concat, ScalarFn::Contains, ScalarFn::StartsWith,
                      ScalarFn::EndsWith, ScalarFn::Hour, ScalarFn::DayOfWeek, ScalarFn::FloorTime})
    EXPECT_GT(foldedCount[fn], 0) << scalarFnName(fn) << " never folded";
}

// A row of stdlib/Builtins.def that both folds and calls a runtime symbol
// must have agreement cases above; otherwise adding one could slip through.
TEST(FoldAgreesWithRuntime, EveryFoldableRuntimeBuiltinIsCompared) {
  std::set<ScalarFn> compared;
  for (const auto &[fn, args] : agreementCases())
    compared.insert(fn);
  struct Row {
    ScalarFn fn;
    bool folds;
    const char *runtimeSymbol;
  };
  const Row rows[] = {
#define WEIR_SCALAR_BUILTIN(Id, Name, Result, Params, Optional, TypeRule, Message, Nulls, Purity, \
                            RuntimeSymbol, Folder, Emitter)                                       \
  {ScalarFn::Id, std::strcmp(#Folder, "noFold") != 0, RuntimeSymbol},
#include "stdlib/Builtins.def"
  };
  for (const Row &r : rows)
    if (r.folds && r.runtimeSymbol)
      EXPECT_TRUE(compared.count(r.fn)) << scalarFnName(r.fn) << " (" << r.runtimeSymbol
                                        << ") folds but is not compared with the runtime";
}

// The table is the one source of names: every row looks up to itself.
TEST(ScalarBuiltinTable, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(ScalarFn::Hash); ++i) {
    ScalarFn fn = static_cast<ScalarFn>(i);
    EXPECT_EQ(scalarBuiltin(fn).fn, fn);
    EXPECT_EQ(lookupScalarFn(scalarFnName(fn)), fn) << scalarFnName(fn);
  }
}

} // namespace
} // namespace weir

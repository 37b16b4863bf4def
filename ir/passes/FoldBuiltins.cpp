// Constant folding of built-in calls over literal arguments. Each folder runs
// the very helper the runtime's C function runs (common/StringBuiltins.h,
// common/TimeBuiltins.h), so a folded call and the same call at run time
// cannot disagree (test/unit/stdlib/FoldAgreesWithRuntimeTest.cpp checks it).
// Which folder a function uses is its row in stdlib/Builtins.def. Casts fold
// where the result cannot depend on formatting or parsing choices; hash
// never folds.
#include "ir/passes/FoldSupport.h"

#include "common/ScalarText.h"
#include "common/StringBuiltins.h"
#include "common/TimeBuiltins.h"

#include <cstdint>
#include <limits>

namespace weir::ir::fold {
namespace {

using namespace weir::builtin;

const std::string *str(const ExprPtr &e, size_t i) { return literalAs<std::string>(e->args[i]); }
const int64_t *i64(const ExprPtr &e, size_t i) { return literalAs<int64_t>(e->args[i]); }
const double *f64(const ExprPtr &e, size_t i) { return literalAs<double>(e->args[i]); }
int64_t size(const std::string &s) { return static_cast<int64_t>(s.size()); }
bool isTimestampArg(const ExprPtr &e) { return e->args[0]->type.kind == TypeKind::Timestamp; }

void noFold(ExprPtr &) {}

// ---------------------------------------------------------------- casts

void foldToInt64(ExprPtr &e) {
  if (auto *i = i64(e, 0))
    foldTo(e, *i);
  else if (auto *d = f64(e, 0); d && std::isfinite(*d) && std::fabs(*d) < 9.2e18)
    foldTo(e, static_cast<int64_t>(*d)); // truncates toward zero
  else if (auto *b = literalAs<bool>(e->args[0]))
    foldTo(e, int64_t(*b ? 1 : 0));
}

void foldToFloat64(ExprPtr &e) {
  if (auto d = asDouble(e->args[0]))
    foldTo(e, *d);
}

void foldToString(ExprPtr &e) {
  if (auto *s = str(e, 0))
    foldTo(e, *s);
  else if (auto *i = i64(e, 0); i && e->args[0]->type.kind == TypeKind::Int64) {
    char text[rt::kMaxInt64Chars]; // the runtime's weir_i64_to_str formats with the same function
    foldTo(e, std::string(text, rt::formatInt64Text(*i, text)));
  }
}

void foldToBool(ExprPtr &e) {
  if (auto *b = literalAs<bool>(e->args[0]))
    foldTo(e, *b);
}

// timestamp(int64), duration(int64), epoch_millis(ts): the same milliseconds, retyped.
void foldRetype(ExprPtr &e) {
  if (auto *i = i64(e, 0))
    foldTo(e, *i);
}

// -------------------------------------------------------------- strings

void foldLength(ExprPtr &e) {
  if (auto *s = str(e, 0))
    foldTo(e, codePointCount(s->data(), size(*s)));
}

void foldSubstr(ExprPtr &e) {
  const std::string *s = str(e, 0);
  const int64_t *start = i64(e, 1);
  const int64_t *len = e->args.size() == 3 ? i64(e, 2) : nullptr;
  if (!s || !start || (e->args.size() == 3 && !len))
    return;
  ByteRange r = substrRange(s->data(), size(*s), *start, len ? *len : -1);
  foldTo(e, s->substr(static_cast<size_t>(r.begin), static_cast<size_t>(r.end - r.begin)));
}

template <void (*Map)(const char *, int64_t, char *)> void foldMapped(ExprPtr &e) {
  if (auto *s = str(e, 0)) {
    std::string out(s->size(), '\0');
    Map(s->data(), size(*s), out.data());
    foldTo(e, out);
  }
}
void foldUpper(ExprPtr &e) { foldMapped<asciiUpper>(e); }
void foldLower(ExprPtr &e) { foldMapped<asciiLower>(e); }

void foldBase64(ExprPtr &e) {
  if (auto *s = str(e, 0)) {
    std::string out(static_cast<size_t>(base64Length(size(*s))), '\0');
    base64Encode(s->data(), size(*s), out.data());
    foldTo(e, out);
  }
}

void foldConcat(ExprPtr &e) {
  std::string out;
  for (size_t i = 0; i < e->args.size(); ++i) {
    if (!str(e, i))
      return;
    out += *str(e, i);
  }
  foldTo(e, out);
}

template <bool (*Test)(const char *, int64_t, const char *, int64_t)>
void foldStringTest(ExprPtr &e) {
  if (e->args.size() == 2 && str(e, 0) && str(e, 1))
    foldTo(e, Test(str(e, 0)->data(), size(*str(e, 0)), str(e, 1)->data(), size(*str(e, 1))));
}
void foldContains(ExprPtr &e) { foldStringTest<containsBytes>(e); }
void foldStartsWith(ExprPtr &e) { foldStringTest<startsWithBytes>(e); }
void foldEndsWith(ExprPtr &e) { foldStringTest<endsWithBytes>(e); }

// ----------------------------------------------------------------- math
// Codegen lowers these to LLVM intrinsics, which are the C library's
// functions the folder calls.

void foldAbs(ExprPtr &e) {
  if (auto *i = i64(e, 0); i && *i != std::numeric_limits<int64_t>::min())
    foldTo(e, *i < 0 ? -*i : *i);
  else if (auto *d = f64(e, 0))
    foldTo(e, std::fabs(*d));
}

// One float argument: round half away from zero (SQL), floor, ceil.
void foldRounding(ExprPtr &e) {
  auto *d = f64(e, 0);
  if (e->args.size() != 1 || !d || e->type.kind != TypeKind::Float64)
    return;
  foldDouble(e, e->fn == ScalarFn::Round   ? std::round(*d)
                : e->fn == ScalarFn::Floor ? std::floor(*d)
                                           : std::ceil(*d));
}

void foldSqrt(ExprPtr &e) {
  if (auto d = asDouble(e->args[0]); d && *d >= 0)
    foldDouble(e, std::sqrt(*d));
}

void foldLn(ExprPtr &e) {
  if (auto d = asDouble(e->args[0]); d && *d > 0)
    foldDouble(e, std::log(*d));
}

void foldExp(ExprPtr &e) {
  if (auto d = asDouble(e->args[0]))
    foldDouble(e, std::exp(*d));
}

void foldPow(ExprPtr &e) {
  if (e->args.size() == 2 && e->type.kind == TypeKind::Float64)
    if (auto x = asDouble(e->args[0]), y = asDouble(e->args[1]); x && y)
      foldDouble(e, std::pow(*x, *y));
}

// ----------------------------------------------------------------- time

void foldHour(ExprPtr &e) {
  if (auto *ms = i64(e, 0); ms && isTimestampArg(e))
    foldTo(e, hourOfDay(*ms));
}

void foldDayOfWeek(ExprPtr &e) {
  if (auto *ms = i64(e, 0); ms && isTimestampArg(e))
    foldTo(e, isoDayOfWeek(*ms));
}

void foldFloorTime(ExprPtr &e) {
  if (e->args.size() == 2 && i64(e, 0) && i64(e, 1) && *i64(e, 1) > 0)
    foldTo(e, floorToUnit(*i64(e, 0), *i64(e, 1)));
}

// The Folder column of stdlib/Builtins.def, indexed by ScalarFn.
using Folder = void (*)(ExprPtr &);
constexpr Folder kFolders[] = {
#define WEIR_SCALAR_BUILTIN(Id, Name, Result, Params, Optional, TypeRule, Message, Nulls, Purity, \
                            RuntimeSymbol, Folder, Emitter)                                       \
  &Folder,
#include "stdlib/Builtins.def"
};

} // namespace

// Calls whose arguments are all non-null literals.
void foldLiteralCall(ExprPtr &e) {
  if (scalarBuiltin(e->fn).purity != Purity::Pure)
    return; // its value is not a function of its arguments
  kFolders[static_cast<size_t>(e->fn)](e);
}

} // namespace weir::ir::fold

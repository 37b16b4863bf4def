// Constant folding of built-in calls over literal arguments, mirroring the
// runtime's definitions: strings as stdlib/runtime/Strings.cpp (UTF-8 code
// points, ASCII-only case mapping, Spark's substr), base64 per RFC 4648, time
// functions in UTC. Casts fold where the result cannot depend on formatting
// or parsing choices; hash never folds.
#include "ir/passes/FoldSupport.h"

#include "llvm/Support/Base64.h"

#include <cstdint>
#include <limits>

namespace weir::ir::fold {
namespace {

int64_t codePoints(const std::string &s) {
  int64_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

// Byte offset of code point `cp` (0-based) of `s` counted from byte `from`,
// or the end of `s`.
size_t byteOffsetOfCodePoint(const std::string &s, size_t from, int64_t cp) {
  size_t i = from;
  while (i < s.size() && cp > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80)
      ++i;
    --cp;
  }
  return i;
}

// substr(s, start[, len]) exactly as weir_str_substr (Spark SQL): 1-based
// start, 0 behaves like 1, a negative start counts from the end and the part
// before the string's start still counts against len; len < 0: to the end.
std::string substr(const std::string &s, int64_t start, int64_t len) {
  int64_t first;
  if (start > 0) {
    first = start - 1;
  } else if (start == 0) {
    first = 0;
  } else {
    first = codePoints(s) + start;
    if (first < 0) {
      if (len >= 0)
        len = len + first > 0 ? len + first : 0;
      first = 0;
    }
  }
  size_t begin = byteOffsetOfCodePoint(s, 0, first);
  size_t end = len >= 0 ? byteOffsetOfCodePoint(s, begin, len) : s.size();
  return s.substr(begin, end - begin);
}

int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t floorMod(int64_t a, int64_t b) { return a - floorDiv(a, b) * b; }

constexpr int64_t MsPerHour = 3'600'000;
constexpr int64_t MsPerDay = 24 * MsPerHour;

} // namespace

// Calls whose arguments are all non-null literals.
void foldLiteralCall(ExprPtr &e) {
  const auto &args = e->args;
  auto str = [&](size_t i) { return literalAs<std::string>(args[i]); };
  auto i64 = [&](size_t i) { return literalAs<int64_t>(args[i]); };
  auto f64 = [&](size_t i) { return literalAs<double>(args[i]); };
  Type argType = args.empty() ? Type{} : args[0]->type;
  switch (e->fn) {
  case ScalarFn::ToInt64:
    if (auto *i = i64(0))
      foldTo(e, *i);
    else if (auto *d = f64(0); d && std::isfinite(*d) && std::fabs(*d) < 9.2e18)
      foldTo(e, static_cast<int64_t>(*d)); // truncates toward zero
    else if (auto *b = literalAs<bool>(args[0]))
      foldTo(e, int64_t(*b ? 1 : 0));
    return;
  case ScalarFn::ToFloat64:
    if (auto d = asDouble(args[0]))
      foldTo(e, *d);
    return;
  case ScalarFn::ToString:
    if (auto *s = str(0))
      foldTo(e, *s);
    else if (auto *i = i64(0); i && argType.kind == TypeKind::Int64)
      foldTo(e, std::to_string(*i));
    return;
  case ScalarFn::ToBool:
    if (auto *b = literalAs<bool>(args[0]))
      foldTo(e, *b);
    return;
  case ScalarFn::ToTimestamp:
  case ScalarFn::ToDuration:
  case ScalarFn::EpochMillis:
    if (auto *i = i64(0))
      foldTo(e, *i); // the same milliseconds, retyped
    return;
  case ScalarFn::Length:
    if (auto *s = str(0))
      foldTo(e, codePoints(*s));
    return;
  case ScalarFn::Upper:
  case ScalarFn::Lower:
    // ASCII letters only, every other byte unchanged, like weir_str_upper/lower.
    if (auto *s = str(0)) {
      std::string out = *s;
      for (char &c : out) {
        if (e->fn == ScalarFn::Upper && c >= 'a' && c <= 'z')
          c = static_cast<char>(c - 'a' + 'A');
        else if (e->fn == ScalarFn::Lower && c >= 'A' && c <= 'Z')
          c = static_cast<char>(c - 'A' + 'a');
      }
      foldTo(e, out);
    }
    return;
  case ScalarFn::Concat: {
    std::string out;
    for (size_t i = 0; i < args.size(); ++i) {
      if (!str(i))
        return;
      out += *str(i);
    }
    foldTo(e, out);
    return;
  }
  case ScalarFn::Contains:
  case ScalarFn::StartsWith:
  case ScalarFn::EndsWith:
    if (args.size() == 2 && str(0) && str(1)) {
      const std::string &s = *str(0), &q = *str(1);
      bool r = e->fn == ScalarFn::Contains     ? s.find(q) != std::string::npos
               : e->fn == ScalarFn::StartsWith ? s.starts_with(q)
                                               : s.ends_with(q);
      foldTo(e, r);
    }
    return;
  case ScalarFn::Substr: {
    if (!str(0) || !i64(1) || (args.size() == 3 && !i64(2)))
      return;
    foldTo(e, substr(*str(0), *i64(1), args.size() == 3 ? *i64(2) : -1));
    return;
  }
  case ScalarFn::Base64:
    if (auto *s = str(0))
      foldTo(e, llvm::encodeBase64(*s)); // RFC 4648, '=' padded, as the runtime
    return;
  case ScalarFn::Abs:
    if (auto *i = i64(0); i && *i != std::numeric_limits<int64_t>::min())
      foldTo(e, *i < 0 ? -*i : *i);
    else if (auto *d = f64(0))
      foldTo(e, std::fabs(*d));
    return;
  case ScalarFn::Round:
  case ScalarFn::Floor:
  case ScalarFn::Ceil: {
    // One float argument: round half away from zero (SQL), floor, ceil.
    auto *d = f64(0);
    if (args.size() != 1 || !d || e->type.kind != TypeKind::Float64)
      return;
    foldDouble(e, e->fn == ScalarFn::Round   ? std::round(*d)
                  : e->fn == ScalarFn::Floor ? std::floor(*d)
                                             : std::ceil(*d));
    return;
  }
  case ScalarFn::Sqrt:
    if (auto d = asDouble(args[0]); d && *d >= 0)
      foldDouble(e, std::sqrt(*d));
    return;
  case ScalarFn::Ln:
    if (auto d = asDouble(args[0]); d && *d > 0)
      foldDouble(e, std::log(*d));
    return;
  case ScalarFn::Exp:
    if (auto d = asDouble(args[0]))
      foldDouble(e, std::exp(*d));
    return;
  case ScalarFn::Pow:
    if (args.size() == 2 && e->type.kind == TypeKind::Float64)
      if (auto x = asDouble(args[0]), y = asDouble(args[1]); x && y)
        foldDouble(e, std::pow(*x, *y));
    return;
  case ScalarFn::Hour:
    if (auto *ms = i64(0); ms && argType.kind == TypeKind::Timestamp)
      foldTo(e, floorMod(*ms, MsPerDay) / MsPerHour);
    return;
  case ScalarFn::DayOfWeek:
    // ISO: Monday = 1 ... Sunday = 7; 1970-01-01 was a Thursday (4).
    if (auto *ms = i64(0); ms && argType.kind == TypeKind::Timestamp)
      foldTo(e, floorMod(floorDiv(*ms, MsPerDay) + 3, 7) + 1);
    return;
  case ScalarFn::FloorTime:
    if (args.size() == 2 && i64(0) && i64(1) && *i64(1) > 0)
      foldTo(e, *i64(0) - floorMod(*i64(0), *i64(1)));
    return;
  default: // hash: the runtime's seed and mixing are its own business
    return;
  }
}

} // namespace weir::ir::fold

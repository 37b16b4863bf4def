// Constant folding. Every rewrite keeps the expression's type (kind and
// nullability) exactly: a folded value becomes a literal of the original
// expression's type, and an operand replaces its parent only when the two
// types are equal (or the operand is a literal that can take the parent's
// type). Integer arithmetic follows the generated code exactly (wrapping,
// division by zero); anything whose result the runtime defines in a way we
// would have to guess (float division by zero, float-to-string, hashing,
// parsing) is left for the generated code. String functions mirror
// stdlib/runtime/Strings.cpp (code points, ASCII-only case mapping).
#include "ir/passes/Passes.h"

#include "ir/ExprUtil.h"
#include "ir/Graph.h"

#include "llvm/Support/Base64.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace weir::ir {
namespace {

bool isLiteral(const ExprPtr &e) { return e && e->kind == ExprKind::Literal; }

template <typename T> const T *literalAs(const ExprPtr &e) {
  return isLiteral(e) ? std::get_if<T>(&e->literal) : nullptr;
}

std::optional<double> asDouble(const ExprPtr &e) {
  if (auto *d = literalAs<double>(e))
    return *d;
  if (auto *i = literalAs<int64_t>(e))
    return static_cast<double>(*i);
  return std::nullopt;
}

// Replaces `e` by a literal of e's own type, when the value fits that type.
bool foldTo(ExprPtr &e, LiteralValue v) {
  ExprPtr lit = Expr::makeLiteral(std::move(v), e->type, e->loc);
  if (!literalFitsType(*lit))
    return false;
  e = std::move(lit);
  return true;
}

// Replaces `e` by one of its operands, keeping e's type.
bool replaceWith(ExprPtr &e, ExprPtr &operand) {
  if (operand->type == e->type) {
    e = std::move(operand);
    return true;
  }
  if (operand->kind == ExprKind::Literal)
    return foldTo(e, operand->literal);
  return false;
}

bool foldDouble(ExprPtr &e, double v) {
  if (!std::isfinite(v))
    return false; // inf/nan formatting and propagation: leave to the runtime
  return foldTo(e, v);
}

// ------------------------------------------------------------------ operators

// Two's-complement wrapping, like the generated add/sub/mul/neg.
int64_t wrap(uint64_t v) { return static_cast<int64_t>(v); }

void foldUnary(ExprPtr &e) {
  ExprPtr &a = e->args[0];
  if (isNullLiteral(*a)) {
    foldTo(e, std::monostate{});
    return;
  }
  if (e->unaryOp == UnaryOp::Not) {
    if (auto *b = literalAs<bool>(a))
      foldTo(e, !*b);
    else if (a->kind == ExprKind::Unary && a->unaryOp == UnaryOp::Not)
      replaceWith(e, a->args[0]); // not not x
    return;
  }
  if (auto *i = literalAs<int64_t>(a)) {
    foldTo(e, wrap(0 - static_cast<uint64_t>(*i)));
  } else if (auto *d = literalAs<double>(a)) {
    foldTo(e, -*d);
  }
}

// SQL three-valued and/or: false and x = false, true and x = x, and duals.
void foldLogic(ExprPtr &e) {
  bool isAnd = e->binaryOp == BinaryOp::And;
  bool absorbing = !isAnd; // and: false absorbs; or: true absorbs
  for (int side = 0; side < 2; ++side) {
    if (auto *b = literalAs<bool>(e->args[side]); b && *b == absorbing) {
      foldTo(e, absorbing);
      return;
    }
  }
  for (int side = 0; side < 2; ++side) {
    if (auto *b = literalAs<bool>(e->args[side]); b && *b != absorbing) {
      replaceWith(e, e->args[1 - side]); // the identity element
      return;
    }
  }
  if (isNullLiteral(*e->args[0]) && isNullLiteral(*e->args[1]))
    foldTo(e, std::monostate{});
}

template <typename T> bool compare(BinaryOp op, const T &a, const T &b) {
  switch (op) {
  case BinaryOp::Eq: return a == b;
  case BinaryOp::Ne: return a != b;
  case BinaryOp::Lt: return a < b;
  case BinaryOp::Le: return a <= b;
  case BinaryOp::Gt: return a > b;
  case BinaryOp::Ge: return a >= b;
  default: return false;
  }
}

void foldComparison(ExprPtr &e) {
  const ExprPtr &a = e->args[0], &b = e->args[1];
  if (auto *x = literalAs<int64_t>(a)) {
    if (auto *y = literalAs<int64_t>(b)) {
      foldTo(e, compare(e->binaryOp, *x, *y));
      return;
    }
  }
  if (auto *x = literalAs<std::string>(a)) {
    // std::string compares bytes as unsigned char, like weir_str_compare.
    if (auto *y = literalAs<std::string>(b))
      foldTo(e, compare(e->binaryOp, *x, *y));
    return;
  }
  if (auto *x = literalAs<bool>(a)) {
    if (auto *y = literalAs<bool>(b))
      foldTo(e, compare(e->binaryOp, *x, *y));
    return;
  }
  auto x = asDouble(a), y = asDouble(b);
  if (x && y && !std::isnan(*x) && !std::isnan(*y))
    foldTo(e, compare(e->binaryOp, *x, *y));
}

// Integer arithmetic as the generated code does it (codegen/ExprCodegen.cpp):
// add, sub, mul and neg wrap; x / 0 and x % 0 are null when the type is
// nullable (Sema makes it so unless the divisor is a non-zero literal), 0
// otherwise; INT64_MIN / -1 wraps to INT64_MIN and x % -1 is 0.
std::optional<LiteralValue> intArithmetic(BinaryOp op, int64_t a, int64_t b, Type t) {
  uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
  switch (op) {
  case BinaryOp::Add: return wrap(ua + ub);
  case BinaryOp::Sub: return wrap(ua - ub);
  case BinaryOp::Mul: return wrap(ua * ub);
  case BinaryOp::Div:
  case BinaryOp::Mod:
    if (b == 0)
      return t.nullable ? LiteralValue{} : LiteralValue{int64_t(0)};
    if (b == -1)
      return op == BinaryOp::Div ? wrap(0 - ua) : int64_t(0);
    return op == BinaryOp::Div ? a / b : a % b; // truncating, like sdiv/srem
  default:
    return std::nullopt;
  }
}

std::optional<double> floatArithmetic(BinaryOp op, double a, double b) {
  switch (op) {
  case BinaryOp::Add: return a + b;
  case BinaryOp::Sub: return a - b;
  case BinaryOp::Mul: return a * b;
  case BinaryOp::Div:
    if (b == 0)
      return std::nullopt;
    return a / b;
  case BinaryOp::Mod:
    if (b == 0)
      return std::nullopt;
    return std::fmod(a, b); // frem
  default: return std::nullopt;
  }
}

void foldArithmetic(ExprPtr &e) {
  const ExprPtr &a = e->args[0], &b = e->args[1];
  if (e->type.kind == TypeKind::Float64) {
    auto x = asDouble(a), y = asDouble(b);
    if (x && y)
      if (auto r = floatArithmetic(e->binaryOp, *x, *y))
        foldDouble(e, *r);
    return;
  }
  // int64, timestamp and duration arithmetic is integer arithmetic on ms.
  auto *x = literalAs<int64_t>(a), *y = literalAs<int64_t>(b);
  if (x && y)
    if (auto r = intArithmetic(e->binaryOp, *x, *y, e->type))
      foldTo(e, *r);
}

void foldBinary(ExprPtr &e) {
  BinaryOp op = e->binaryOp;
  if (op == BinaryOp::And || op == BinaryOp::Or) {
    foldLogic(e);
    return;
  }
  if (isNullLiteral(*e->args[0]) || isNullLiteral(*e->args[1])) {
    foldTo(e, std::monostate{}); // null compared or combined with anything
    return;
  }
  if (op == BinaryOp::Eq || op == BinaryOp::Ne || op == BinaryOp::Lt || op == BinaryOp::Le ||
      op == BinaryOp::Gt || op == BinaryOp::Ge)
    foldComparison(e);
  else
    foldArithmetic(e);
}

// ------------------------------------------------------------------ functions

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

void foldCall(ExprPtr &e) {
  auto &args = e->args;
  switch (e->fn) {
  case ScalarFn::If:
    if (args.size() == 3 && isLiteral(args[0])) {
      auto *c = literalAs<bool>(args[0]);
      replaceWith(e, c && *c ? args[1] : args[2]); // a null condition is not true
    }
    return;
  case ScalarFn::Coalesce:
    // The first argument that is not a null literal decides when it can never be null.
    for (ExprPtr &a : args) {
      if (isNullLiteral(*a))
        continue;
      if (!a->type.nullable || isLiteral(a))
        replaceWith(e, a);
      return;
    }
    foldTo(e, std::monostate{});
    return;
  case ScalarFn::IsNull:
    if (args.size() == 1 && (isLiteral(args[0]) ||
                             (!args[0]->type.nullable && args[0]->type.kind != TypeKind::Null)))
      foldTo(e, isNullLiteral(*args[0]));
    return;
  case ScalarFn::Concat:
    break; // whether a null part nulls the whole is the runtime's rule
  default:
    // Every other built-in returns null for a null argument.
    for (const ExprPtr &a : args)
      if (isNullLiteral(*a)) {
        foldTo(e, std::monostate{});
        return;
      }
  }
  for (const ExprPtr &a : args)
    if (!isLiteral(a) || isNullLiteral(*a))
      return;
  foldLiteralCall(e);
}

} // namespace

void foldExpr(ExprPtr &e) {
  if (!e)
    return;
  for (ExprPtr &a : e->args) {
    if (!a)
      return;
    foldExpr(a);
  }
  switch (e->kind) {
  case ExprKind::Unary:
    if (e->args.size() == 1)
      foldUnary(e);
    break;
  case ExprKind::Binary:
    if (e->args.size() == 2)
      foldBinary(e);
    break;
  case ExprKind::Call:
    foldCall(e);
    break;
  default:
    break;
  }
}

llvm::Error runConstantFolding(Program &p) {
  for (auto &n : p.nodes)
    forEachExprRoot(*n, [](ExprPtr &e) { foldExpr(e); });
  // `where true` keeps every row: drop the filter. Highest id first, since
  // removing a node renumbers the ones after it.
  for (int id = static_cast<int>(p.nodes.size()) - 1; id >= 0; --id) {
    const Node &n = p.node(id);
    if (n.kind != NodeKind::Filter || !n.predicate)
      continue;
    if (auto *b = literalAs<bool>(n.predicate); b && *b)
      bypassAndRemoveNode(p, id);
  }
  return llvm::Error::success();
}

} // namespace weir::ir

// The operators and window kinds of the language: one definition that the
// AST (frontend/AST.h) and the IR (ir/IR.h) both use, so lowering passes them
// through unchanged, with their spellings next to them. Header-only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace weir {

enum class UnaryOp : uint8_t { Neg, Not };

enum class BinaryOp : uint8_t {
  Add, Sub, Mul, Div, Mod,
  Eq, Ne, Lt, Le, Gt, Ge,
  And, Or, // SQL three-valued logic
};

inline constexpr std::array<BinaryOp, 13> kAllBinaryOps = {
    BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div, BinaryOp::Mod,
    BinaryOp::Eq,  BinaryOp::Ne,  BinaryOp::Lt,  BinaryOp::Le,  BinaryOp::Gt,
    BinaryOp::Ge,  BinaryOp::And, BinaryOp::Or};

// The language's own spelling (the parser reads it back with
// parseBinaryOpSpelling), for diagnostics and the human-facing plan.
constexpr const char *binaryOpSpelling(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add: return "+";
  case BinaryOp::Sub: return "-";
  case BinaryOp::Mul: return "*";
  case BinaryOp::Div: return "/";
  case BinaryOp::Mod: return "%";
  case BinaryOp::Eq: return "==";
  case BinaryOp::Ne: return "!=";
  case BinaryOp::Lt: return "<";
  case BinaryOp::Le: return "<=";
  case BinaryOp::Gt: return ">";
  case BinaryOp::Ge: return ">=";
  case BinaryOp::And: return "and";
  case BinaryOp::Or: return "or";
  }
  return "?";
}

inline std::optional<BinaryOp> parseBinaryOpSpelling(std::string_view text) {
  for (BinaryOp op : kAllBinaryOps)
    if (text == binaryOpSpelling(op))
      return op;
  return std::nullopt;
}

// The IR's textual form (`(add $0 1)`, ir/Printer.h).
constexpr const char *binaryOpMnemonic(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add: return "add";
  case BinaryOp::Sub: return "sub";
  case BinaryOp::Mul: return "mul";
  case BinaryOp::Div: return "div";
  case BinaryOp::Mod: return "mod";
  case BinaryOp::Eq: return "eq";
  case BinaryOp::Ne: return "ne";
  case BinaryOp::Lt: return "lt";
  case BinaryOp::Le: return "le";
  case BinaryOp::Gt: return "gt";
  case BinaryOp::Ge: return "ge";
  case BinaryOp::And: return "and";
  case BinaryOp::Or: return "or";
  }
  return "?";
}

constexpr const char *unaryOpMnemonic(UnaryOp op) { return op == UnaryOp::Neg ? "neg" : "not"; }

enum class WindowKind : uint8_t {
  None,     // an unwindowed aggregate: results at the end of input (IR only)
  Tumbling, // [start, start + size), starts aligned to multiples of size from the epoch
  Hopping,  // [start, start + size), starts aligned to multiples of slide
  Session,  // per key: events closer than gap; [first event, last event + gap)
  Rolling,  // one row per input row: aggregates over the key's rows in [ts - size, ts]
};

// "none", "tumbling", ...: the language's word for the window (`window
// tumbling(1m)`) and the IR printer's.
constexpr const char *windowKindName(WindowKind k) {
  switch (k) {
  case WindowKind::None: return "none";
  case WindowKind::Tumbling: return "tumbling";
  case WindowKind::Hopping: return "hopping";
  case WindowKind::Session: return "session";
  case WindowKind::Rolling: return "rolling";
  }
  return "?";
}

} // namespace weir

#include "frontend/AST.h"

namespace weir::ast {

const char *binaryOpSpelling(BinaryOp op) {
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

const char *stepKindName(StepKind k) {
  switch (k) {
  case StepKind::Where: return "where";
  case StepKind::Select: return "select";
  case StepKind::KeyBy: return "key by";
  case StepKind::Window: return "window";
  case StepKind::Aggregate: return "aggregate";
  case StepKind::Join: return "join";
  case StepKind::Sink: return "sink";
  }
  return "?";
}

const char *windowKindName(WindowKind k) {
  switch (k) {
  case WindowKind::Tumbling: return "tumbling";
  case WindowKind::Hopping: return "hopping";
  case WindowKind::Session: return "session";
  case WindowKind::Rolling: return "rolling";
  }
  return "?";
}

} // namespace weir::ast

#include "ir/IR.h"

#include <cassert>

namespace weir::ir {

// ---------------------------------------------------------------- expressions

std::unique_ptr<Expr> Expr::clone() const {
  auto copy = std::make_unique<Expr>();
  copy->kind = kind;
  copy->type = type;
  copy->loc = loc;
  copy->column = column;
  copy->literal = literal;
  copy->unaryOp = unaryOp;
  copy->binaryOp = binaryOp;
  copy->fn = fn;
  copy->args.reserve(args.size());
  for (const ExprPtr &arg : args)
    copy->args.push_back(arg ? arg->clone() : nullptr);
  return copy;
}

static std::unique_ptr<Expr> makeExpr(ExprKind kind, Type type, SourceLoc loc) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->type = type;
  e->loc = loc;
  return e;
}

std::unique_ptr<Expr> Expr::makeColumn(int index, Type type, SourceLoc loc) {
  auto e = makeExpr(ExprKind::Column, type, loc);
  e->column = index;
  return e;
}

std::unique_ptr<Expr> Expr::makeLiteral(LiteralValue v, Type type, SourceLoc loc) {
  auto e = makeExpr(ExprKind::Literal, type, loc);
  e->literal = std::move(v);
  return e;
}

std::unique_ptr<Expr> Expr::makeUnary(UnaryOp op, std::unique_ptr<Expr> a, Type type,
                                      SourceLoc loc) {
  auto e = makeExpr(ExprKind::Unary, type, loc);
  e->unaryOp = op;
  e->args.push_back(std::move(a));
  return e;
}

std::unique_ptr<Expr> Expr::makeBinary(BinaryOp op, std::unique_ptr<Expr> a,
                                       std::unique_ptr<Expr> b, Type type, SourceLoc loc) {
  auto e = makeExpr(ExprKind::Binary, type, loc);
  e->binaryOp = op;
  e->args.push_back(std::move(a));
  e->args.push_back(std::move(b));
  return e;
}

std::unique_ptr<Expr> Expr::makeCall(ScalarFn fn, std::vector<std::unique_ptr<Expr>> args,
                                     Type type, SourceLoc loc) {
  auto e = makeExpr(ExprKind::Call, type, loc);
  e->fn = fn;
  e->args = std::move(args);
  return e;
}

// -------------------------------------------------------------------- program

static std::vector<ExprPtr> cloneAll(const std::vector<ExprPtr> &exprs) {
  std::vector<ExprPtr> out;
  out.reserve(exprs.size());
  for (const ExprPtr &e : exprs)
    out.push_back(e ? e->clone() : nullptr);
  return out;
}

static std::unique_ptr<Node> cloneNode(const Node &n) {
  auto c = std::make_unique<Node>();
  c->id = n.id;
  c->kind = n.kind;
  c->schema = n.schema;
  c->input = n.input;
  c->loc = n.loc;
  c->name = n.name;
  c->usedFields = n.usedFields;
  c->connector = n.connector;
  c->predicate = n.predicate ? n.predicate->clone() : nullptr;
  c->exprs = cloneAll(n.exprs);
  c->table = n.table;
  c->leftJoin = n.leftJoin;
  c->probeKeys = cloneAll(n.probeKeys);
  c->buildKeys = n.buildKeys;
  c->keys = cloneAll(n.keys);
  c->aggs.reserve(n.aggs.size());
  for (const AggCall &a : n.aggs)
    c->aggs.push_back(
        AggCall{a.fn, a.arg ? a.arg->clone() : nullptr, a.resultType, a.name, a.param});
  c->window = n.window;
  c->timeColumn = n.timeColumn;
  c->eventTimeField = n.eventTimeField;
  c->watermarkDelayMs = n.watermarkDelayMs;
  c->ttlMs = n.ttlMs;
  c->layout = n.layout;
  c->stage = n.stage;
  return c;
}

Node &Program::addNode(NodeKind kind) {
  auto n = std::make_unique<Node>();
  n->id = static_cast<int>(nodes.size());
  n->kind = kind;
  nodes.push_back(std::move(n));
  return *nodes.back();
}

std::unique_ptr<Program> Program::clone() const {
  auto p = std::make_unique<Program>();
  p->nodes.reserve(nodes.size());
  for (const auto &n : nodes)
    p->nodes.push_back(cloneNode(*n));
  p->pipelines = pipelines;
  p->stages = stages;
  p->fused = fused;
  return p;
}

const char *nodeKindName(NodeKind k) {
  switch (k) {
  case NodeKind::Source: return "source";
  case NodeKind::Table: return "table";
  case NodeKind::Filter: return "filter";
  case NodeKind::Project: return "project";
  case NodeKind::Join: return "join";
  case NodeKind::Aggregate: return "aggregate";
  case NodeKind::Sink: return "sink";
  }
  return "?";
}

// The language's own spelling, for diagnostics and the human-facing plan.
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

} // namespace weir::ir

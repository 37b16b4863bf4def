// Hand-built IR programs for the pass tests: the shapes the frontend's
// lowering produces for the language's example pipelines (see
// /work/prompts/common.md), written out node by node.
#pragma once

#include "ir/IR.h"
#include "ir/Verifier.h"

#include "llvm/Support/Error.h"

#include <string>

namespace weir::ir::test {

inline Type ty(TypeKind k, bool nullable = false) { return Type::of(k, nullable); }
inline const Type Str = Type::of(TypeKind::String);
inline const Type I64 = Type::of(TypeKind::Int64);
inline const Type F64 = Type::of(TypeKind::Float64);
inline const Type Bool = Type::of(TypeKind::Bool);
inline const Type Ts = Type::of(TypeKind::Timestamp);
inline const Type Dur = Type::of(TypeKind::Duration);

// Txn { txn_id: string, user_id: int64, merchant: string, amount: float64, ts: timestamp }
enum TxnField { TxnId = 0, UserId = 1, Merchant = 2, Amount = 3, TsField = 4 };
inline Schema txnSchema() {
  return {{"txn_id", Str}, {"user_id", I64}, {"merchant", Str}, {"amount", F64}, {"ts", Ts}};
}
// Merchant { name: string, category: string, risk: float64 }
inline Schema merchantSchema() {
  return {{"name", Str}, {"category", Str}, {"risk", F64}};
}

inline ExprPtr col(const Schema &s, int i) { return Expr::makeColumn(i, s[i].type); }
inline ExprPtr lit(double v) { return Expr::makeLiteral(v, F64); }
inline ExprPtr lit(int64_t v, Type t = I64) { return Expr::makeLiteral(v, t); }
inline ExprPtr lit(bool v) { return Expr::makeLiteral(v, Bool); }
inline ExprPtr lit(const char *v) { return Expr::makeLiteral(std::string(v), Str); }
inline ExprPtr nullLit(Type t) { return Expr::makeLiteral(std::monostate{}, t); }
inline ExprPtr bin(BinaryOp op, ExprPtr a, ExprPtr b, Type t) {
  return Expr::makeBinary(op, std::move(a), std::move(b), t);
}
inline ExprPtr cmp(BinaryOp op, ExprPtr a, ExprPtr b) {
  Type t = ty(TypeKind::Bool, a->type.nullable || b->type.nullable ||
                                  a->type.kind == TypeKind::Null ||
                                  b->type.kind == TypeKind::Null);
  return bin(op, std::move(a), std::move(b), t);
}
inline ExprPtr call(ScalarFn fn, std::vector<ExprPtr> args) {
  std::vector<Type> types;
  for (auto &a : args)
    types.push_back(a->type);
  Type t = *checkScalarCall(fn, types).type;
  return Expr::makeCall(fn, std::move(args), t);
}
template <typename... A> std::vector<ExprPtr> list(A &&...a) {
  std::vector<ExprPtr> v;
  (v.push_back(std::forward<A>(a)), ...);
  return v;
}

inline Connector fileConnector(const std::string &path, const std::string &format,
                               const std::string &onError = "") {
  Connector c;
  c.kind = "file";
  c.uri = "file:" + path;
  c.format = format;
  c.onError = onError;
  return c;
}

inline int addSource(Program &p, const std::string &name, Schema schema, bool table = false) {
  Node &n = p.addNode(table ? NodeKind::Table : NodeKind::Source);
  n.name = name;
  n.schema = std::move(schema);
  n.connector = table ? fileConnector("data/" + name + ".csv", "csv")
                      : fileConnector("data/" + name + ".jsonl", "json", "fail");
  for (size_t i = 0; i < n.schema.size(); ++i)
    n.usedFields.push_back(static_cast<int>(i));
  return n.id;
}

inline int addFilter(Program &p, int input, ExprPtr pred) {
  Node &n = p.addNode(NodeKind::Filter);
  n.input = input;
  n.schema = p.node(input).schema;
  n.predicate = std::move(pred);
  return n.id;
}

inline int addProject(Program &p, int input, std::vector<std::string> names,
                      std::vector<ExprPtr> exprs) {
  Node &n = p.addNode(NodeKind::Project);
  n.input = input;
  for (size_t i = 0; i < names.size(); ++i)
    n.schema.push_back({names[i], exprs[i]->type});
  n.exprs = std::move(exprs);
  return n.id;
}

inline int addJoin(Program &p, int input, int table, ExprPtr probe, int buildKey,
                   bool left = false) {
  Schema out = p.node(input).schema;
  for (const Column &c : p.node(table).schema)
    out.push_back({c.name, c.type.withNullable(c.type.nullable || left)});
  Node &n = p.addNode(NodeKind::Join);
  n.input = input;
  n.table = table;
  n.leftJoin = left;
  n.schema = std::move(out);
  n.probeKeys.push_back(std::move(probe));
  n.buildKeys.push_back(buildKey);
  return n.id;
}

struct Agg {
  AggFn fn;
  ExprPtr arg;
  std::string name;
};
inline int addAggregate(Program &p, int input, std::vector<std::string> keyNames,
                        std::vector<ExprPtr> keys, std::vector<Agg> aggs) {
  Node &n = p.addNode(NodeKind::Aggregate);
  n.input = input;
  for (size_t i = 0; i < keys.size(); ++i)
    n.schema.push_back({keyNames[i], keys[i]->type});
  n.keys = std::move(keys);
  for (Agg &a : aggs) {
    std::vector<Type> argTypes;
    if (a.arg)
      argTypes.push_back(a.arg->type);
    Type t = *checkAggregateCall(a.fn, argTypes).type;
    n.schema.push_back({a.name, t});
    n.aggs.push_back(AggCall{a.fn, std::move(a.arg), t, a.name});
  }
  return n.id;
}

inline int addSink(Program &p, int input, const std::string &pipeline) {
  Node &n = p.addNode(NodeKind::Sink);
  n.input = input;
  n.name = pipeline;
  n.schema = p.node(input).schema;
  n.connector = fileConnector("out/" + pipeline + ".jsonl", "json");
  return n.id;
}

// Records the pipeline ending at `sink` by walking its inputs back.
inline void addPipeline(Program &p, const std::string &name, int sink) {
  Pipeline pl;
  pl.name = name;
  for (int id = sink; id >= 0; id = p.node(id).input)
    pl.nodes.insert(pl.nodes.begin(), id);
  p.pipelines.push_back(std::move(pl));
}

inline std::string verifyMessage(const Program &p) {
  if (llvm::Error err = verifyProgram(p))
    return llvm::toString(std::move(err));
  return "";
}

// pipeline clean = txns
//   | where amount > 0.0 and merchant != ""
//   | select txn_id, user_id, cents = int64(round(amount * 100.0)), m = upper(merchant)
//   | sink ...
inline void addCleanPipeline(Program &p, int txns) {
  Schema s = p.node(txns).schema;
  int f = addFilter(p, txns,
                    bin(BinaryOp::And, cmp(BinaryOp::Gt, col(s, Amount), lit(0.0)),
                        cmp(BinaryOp::Ne, col(s, Merchant), lit("")), Bool));
  ExprPtr cents = call(ScalarFn::ToInt64,
                       list(call(ScalarFn::Round, list(bin(BinaryOp::Mul, col(s, Amount),
                                                           lit(100.0), F64)))));
  int pr = addProject(p, f, {"txn_id", "user_id", "cents", "m"},
                      list(col(s, TxnId), col(s, UserId), std::move(cents),
                           call(ScalarFn::Upper, list(col(s, Merchant)))));
  addPipeline(p, "clean", addSink(p, pr, "clean"));
}

// pipeline per_user = txns | key by user_id
//   | aggregate n = count(), total = sum(amount), biggest = max(amount),
//               first_seen = min(ts), merchants = count_distinct(merchant)
inline int addPerUserPipeline(Program &p, int txns) {
  Schema s = p.node(txns).schema;
  std::vector<Agg> aggs;
  aggs.push_back({AggFn::Count, nullptr, "n"});
  aggs.push_back({AggFn::Sum, col(s, Amount), "total"});
  aggs.push_back({AggFn::Max, col(s, Amount), "biggest"});
  aggs.push_back({AggFn::Min, col(s, TsField), "first_seen"});
  aggs.push_back({AggFn::CountDistinct, col(s, Merchant), "merchants"});
  int agg = addAggregate(p, txns, {"user_id"}, list(col(s, UserId)), std::move(aggs));
  addPipeline(p, "per_user", addSink(p, agg, "per_user"));
  return agg;
}

// pipeline by_category = txns | where amount > 0.0
//   | join merchants on merchant == merchants.name
//   | key by user_id, category
//   | aggregate n = count(), total = sum(amount), max_risk = max(risk)
inline int addByCategoryPipeline(Program &p, int txns, int merchants) {
  Schema s = p.node(txns).schema;
  int f = addFilter(p, txns, cmp(BinaryOp::Gt, col(s, Amount), lit(0.0)));
  int j = addJoin(p, f, merchants, col(s, Merchant), 0);
  Schema js = p.node(j).schema; // txn ++ merchant: category is 6, risk 7
  std::vector<Agg> aggs;
  aggs.push_back({AggFn::Count, nullptr, "n"});
  aggs.push_back({AggFn::Sum, col(js, Amount), "total"});
  aggs.push_back({AggFn::Max, col(js, 7), "max_risk"});
  int agg = addAggregate(p, j, {"user_id", "category"}, list(col(js, UserId), col(js, 6)),
                         std::move(aggs));
  addPipeline(p, "by_category", addSink(p, agg, "by_category"));
  return agg;
}

// The three example pipelines over one source and one table.
inline std::unique_ptr<Program> exampleProgram() {
  auto p = std::make_unique<Program>();
  int txns = addSource(*p, "txns", txnSchema());
  int merchants = addSource(*p, "merchants", merchantSchema(), /*table=*/true);
  addCleanPipeline(*p, txns);
  addPerUserPipeline(*p, txns);
  addByCategoryPipeline(*p, txns, merchants);
  return p;
}

} // namespace weir::ir::test

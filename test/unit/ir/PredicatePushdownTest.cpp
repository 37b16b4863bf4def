#include "ProgramBuilders.h"

#include "ir/Printer.h"
#include "ir/passes/Passes.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::ir;
using namespace weir::ir::test;

namespace {

void pushdown(Program &p) {
  ASSERT_EQ(verifyMessage(p), "");
  ASSERT_FALSE(llvm::errorToBool(runPredicatePushdown(p)));
  ASSERT_EQ(verifyMessage(p), "") << programToString(p);
}

std::vector<NodeKind> kinds(const Program &p, const Pipeline &pl) {
  std::vector<NodeKind> out;
  for (int id : pl.nodes)
    out.push_back(p.node(id).kind);
  return out;
}

// txns | select user_id, amt = amount, cents = int64(amount * 100.0)
int addSelect(Program &p, int txns) {
  Schema s = p.node(txns).schema;
  ExprPtr cents = call(ScalarFn::ToInt64, list(bin(BinaryOp::Mul, col(s, Amount), lit(100.0), F64)));
  return addProject(p, txns, {"user_id", "amt", "cents"},
                    list(col(s, UserId), col(s, Amount), std::move(cents)));
}

using K = NodeKind;

} // namespace

TEST(PredicatePushdownTest, MovesBelowPassThroughProjectAndRewritesColumns) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int proj = addSelect(p, txns);
  Schema ps = p.node(proj).schema;
  int f = addFilter(p, proj, cmp(BinaryOp::Gt, col(ps, 1), lit(0.0))); // where amt > 0.0
  addPipeline(p, "p", addSink(p, f, "p"));
  pushdown(p);
  // Renumbered in data-flow order: source, filter, project, sink.
  EXPECT_EQ(kinds(p, p.pipelines[0]), (std::vector<K>{K::Source, K::Filter, K::Project, K::Sink}));
  EXPECT_EQ(p.pipelines[0].nodes, (std::vector<int>{0, 1, 2, 3}));
  const Node &filter = p.node(1);
  EXPECT_EQ(filter.input, 0);
  EXPECT_EQ(exprToString(*filter.predicate, &filter.schema), "(gt $3:amount 0.0)");
  EXPECT_EQ(filter.schema.size(), 5u); // now the source's row
  EXPECT_EQ(p.node(2).input, 1);
  EXPECT_EQ(p.node(3).input, 2);
  EXPECT_EQ(p.node(3).schema.size(), 3u); // the sink still writes the projection
}

TEST(PredicatePushdownTest, StaysAboveComputedColumns) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int proj = addSelect(p, txns);
  Schema ps = p.node(proj).schema;
  int f = addFilter(p, proj, cmp(BinaryOp::Gt, col(ps, 2), lit(int64_t(0)))); // cents > 0
  addPipeline(p, "p", addSink(p, f, "p"));
  std::string before = programToString(p);
  pushdown(p);
  EXPECT_EQ(programToString(p), before);
}

TEST(PredicatePushdownTest, SplitsConjunctionsSoPartsMoveAlone) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int proj = addSelect(p, txns);
  Schema ps = p.node(proj).schema;
  // where cents > 0 and user_id > 5 and amt < 9.0: the first part reads a
  // computed column, the others pass-throughs.
  int f = addFilter(
      p, proj,
      bin(BinaryOp::And,
          bin(BinaryOp::And, cmp(BinaryOp::Gt, col(ps, 2), lit(int64_t(0))),
              cmp(BinaryOp::Gt, col(ps, 0), lit(int64_t(5))), Bool),
          cmp(BinaryOp::Lt, col(ps, 1), lit(9.0)), Bool));
  addPipeline(p, "p", addSink(p, f, "p"));
  pushdown(p);
  EXPECT_EQ(kinds(p, p.pipelines[0]),
            (std::vector<K>{K::Source, K::Filter, K::Project, K::Filter, K::Sink}));
  EXPECT_EQ(p.nodes.size(), 5u);
  const auto &ids = p.pipelines[0].nodes;
  EXPECT_EQ(exprToString(*p.node(ids[1]).predicate), "(and (gt $1 5) (lt $3 9.0))");
  EXPECT_EQ(exprToString(*p.node(ids[3]).predicate), "(gt $2 0)");
}

TEST(PredicatePushdownTest, UnmovedConjunctionKeepsItsShape) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  Schema s = txnSchema();
  // where (a and b) and c directly over the source: nothing to move
  int f = addFilter(p, txns,
                    bin(BinaryOp::And,
                        bin(BinaryOp::And, cmp(BinaryOp::Gt, col(s, Amount), lit(0.0)),
                            cmp(BinaryOp::Ne, col(s, Merchant), lit("")), Bool),
                        cmp(BinaryOp::Lt, col(s, UserId), lit(int64_t(9))), Bool));
  addPipeline(p, "p", addSink(p, f, "p"));
  std::string before = programToString(p);
  pushdown(p);
  EXPECT_EQ(programToString(p), before);
}

TEST(PredicatePushdownTest, MovesBelowJoinOnlyForStreamColumns) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int merchants = addSource(p, "merchants", merchantSchema(), true);
  Schema s = txnSchema();
  int j = addJoin(p, txns, merchants, col(s, Merchant), 0, /*left=*/true);
  Schema js = p.node(j).schema;
  int onTable = addFilter(p, j, cmp(BinaryOp::Eq, col(js, 6), lit("food"))); // category
  int onStream = addFilter(p, onTable, cmp(BinaryOp::Gt, col(js, Amount), lit(0.0)));
  addPipeline(p, "p", addSink(p, onStream, "p"));
  pushdown(p);
  // The amount filter passes the stuck category filter, then the join.
  EXPECT_EQ(kinds(p, p.pipelines[0]),
            (std::vector<K>{K::Source, K::Filter, K::Join, K::Filter, K::Sink}));
  const auto &ids = p.pipelines[0].nodes;
  const Node &early = p.node(ids[1]), &late = p.node(ids[3]);
  EXPECT_EQ(exprToString(*early.predicate), "(gt $3 0.0)");
  EXPECT_EQ(early.schema.size(), 5u);
  const Node &join = p.node(ids[2]);
  EXPECT_EQ(join.schema.size(), 8u);
  EXPECT_EQ(join.table, 1);
  ASSERT_NE(late.predicate->args[0]->type, Str); // the left join's nullable category
  EXPECT_EQ(exprToString(*late.predicate), "(eq $6 \"food\")");
}

TEST(PredicatePushdownTest, NeverCrossesAnAggregate) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int agg = addPerUserPipeline(p, txns);
  // Rebuild per_user with a filter on the aggregate's key after it.
  int sink = p.pipelines[0].nodes.back();
  Schema as = p.node(agg).schema;
  int f = addFilter(p, agg, cmp(BinaryOp::Gt, col(as, 0), lit(int64_t(10))));
  p.node(sink).input = f;
  p.pipelines.clear();
  addPipeline(p, "per_user", sink);
  pushdown(p);
  EXPECT_EQ(kinds(p, p.pipelines[0]),
            (std::vector<K>{K::Source, K::Aggregate, K::Filter, K::Sink}));
}

TEST(PredicatePushdownTest, AdjacentFiltersMerge) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int proj = addSelect(p, txns);
  Schema ps = p.node(proj).schema;
  int a = addFilter(p, proj, cmp(BinaryOp::Gt, col(ps, 1), lit(0.0)));          // amt > 0.0
  int b = addFilter(p, a, cmp(BinaryOp::Ne, col(ps, 0), lit(int64_t(7))));      // user_id != 7
  addPipeline(p, "p", addSink(p, b, "p"));
  pushdown(p);
  EXPECT_EQ(kinds(p, p.pipelines[0]), (std::vector<K>{K::Source, K::Filter, K::Project, K::Sink}));
  EXPECT_EQ(p.nodes.size(), 4u);
  EXPECT_EQ(exprToString(*p.node(1).predicate), "(and (gt $3 0.0) (ne $1 7))");
}

TEST(PredicatePushdownTest, SharedSourceKeepsOtherPipelinesIntact) {
  auto p = exampleProgram();
  std::string before = programToString(*p);
  pushdown(*p);
  // Every filter of the example already reads its source directly.
  EXPECT_EQ(programToString(*p), before);
}

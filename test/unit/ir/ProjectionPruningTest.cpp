#include "ProgramBuilders.h"

#include "ir/passes/Passes.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::ir;
using namespace weir::ir::test;

namespace {

void prune(Program &p) {
  ASSERT_FALSE(llvm::errorToBool(runProjectionPruning(p)));
  ASSERT_EQ(verifyMessage(p), "");
}

using Fields = std::vector<int>;

} // namespace

TEST(ProjectionPruningTest, CleanReadsFourOfFiveFields) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  addCleanPipeline(p, txns);
  prune(p);
  // txn_id, user_id (selected), merchant (where, upper), amount (where, cents); not ts
  EXPECT_EQ(p.node(txns).usedFields, (Fields{TxnId, UserId, Merchant, Amount}));
  EXPECT_EQ(p.node(txns).schema.size(), 5u);
}

TEST(ProjectionPruningTest, PassThroughsNobodyReadsAreNotDecoded) {
  // txns | select txn_id, user_id, m = upper(merchant) | key by user_id | aggregate n = count()
  Program p;
  Schema s = txnSchema();
  int txns = addSource(p, "txns", s);
  int proj = addProject(p, txns, {"txn_id", "user_id", "m"},
                        list(col(s, TxnId), col(s, UserId),
                             call(ScalarFn::Upper, list(col(s, Merchant)))));
  Schema ps = p.node(proj).schema;
  std::vector<Agg> aggs;
  aggs.push_back({AggFn::Count, nullptr, "n"});
  int agg = addAggregate(p, proj, {"user_id"}, list(col(ps, 1)), std::move(aggs));
  addPipeline(p, "p", addSink(p, agg, "p"));
  prune(p);
  // txn_id is only passed through and dropped; upper(merchant) is still
  // evaluated by the projection, so merchant is decoded.
  EXPECT_EQ(p.node(txns).usedFields, (Fields{UserId, Merchant}));
}

TEST(ProjectionPruningTest, JoinSplitsDemandBetweenStreamAndTable) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int merchants = addSource(p, "merchants", merchantSchema(), true);
  addByCategoryPipeline(p, txns, merchants);
  prune(p);
  // amount (where, sum), merchant (probe key), user_id (key)
  EXPECT_EQ(p.node(txns).usedFields, (Fields{UserId, Merchant, Amount}));
  // name (build key), category (key), risk (max)
  EXPECT_EQ(p.node(merchants).usedFields, (Fields{0, 1, 2}));
}

TEST(ProjectionPruningTest, TableColumnsNobodyReadsAreDropped) {
  // txns | join merchants on merchant == name | select txn_id, category | sink
  Program p;
  Schema s = txnSchema();
  int txns = addSource(p, "txns", s);
  int merchants = addSource(p, "merchants", merchantSchema(), true);
  int j = addJoin(p, txns, merchants, col(s, Merchant), 0);
  Schema js = p.node(j).schema;
  int proj = addProject(p, j, {"txn_id", "category"}, list(col(js, TxnId), col(js, 6)));
  addPipeline(p, "p", addSink(p, proj, "p"));
  prune(p);
  EXPECT_EQ(p.node(txns).usedFields, (Fields{TxnId, Merchant}));
  EXPECT_EQ(p.node(merchants).usedFields, (Fields{0, 1}));
}

TEST(ProjectionPruningTest, SharedSourceDecodesTheUnion) {
  auto p = exampleProgram();
  for (auto &n : p->nodes)
    n->usedFields.clear();
  prune(*p);
  // clean: 0-3, per_user: 1-4
  EXPECT_EQ(p->node(0).usedFields, (Fields{0, 1, 2, 3, 4}));
}

TEST(ProjectionPruningTest, CountOnlyReadsNothing) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  std::vector<Agg> aggs;
  aggs.push_back({AggFn::Count, nullptr, "n"});
  int agg = addAggregate(p, txns, {}, {}, std::move(aggs));
  addPipeline(p, "p", addSink(p, agg, "p"));
  prune(p);
  EXPECT_EQ(p.node(txns).usedFields, Fields{});
}

TEST(ProjectionPruningTest, SinkReadsEveryColumn) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  p.node(txns).usedFields.clear();
  Schema s = txnSchema();
  int f = addFilter(p, txns, cmp(BinaryOp::Gt, col(s, Amount), lit(0.0)));
  addPipeline(p, "p", addSink(p, f, "p"));
  prune(p);
  EXPECT_EQ(p.node(txns).usedFields, (Fields{0, 1, 2, 3, 4}));
}

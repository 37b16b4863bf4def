#include "ProgramBuilders.h"

#include "ir/passes/Passes.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::ir;
using namespace weir::ir::test;

namespace {

void fuse(Program &p) {
  ASSERT_FALSE(llvm::errorToBool(runFusion(p)));
  ASSERT_EQ(verifyMessage(p), "");
}

struct Expected {
  StageKind kind;
  std::string name;
  std::vector<int> nodes;
};

void expectStages(const Program &p, const std::vector<Expected> &want) {
  ASSERT_EQ(p.stages.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(p.stages[i].id, static_cast<int>(i));
    EXPECT_EQ(p.stages[i].kind, want[i].kind) << "stage " << i;
    EXPECT_EQ(p.stages[i].name, want[i].name) << "stage " << i;
    EXPECT_EQ(p.stages[i].nodes, want[i].nodes) << "stage " << i;
  }
}

using S = StageKind;

} // namespace

TEST(FusionTest, ExampleProgram) {
  // 0 txns, 1 merchants, clean: 2 filter 3 project 4 sink, per_user: 5 agg 6 sink,
  // by_category: 7 filter 8 join 9 agg 10 sink
  auto p = exampleProgram();
  fuse(*p);
  EXPECT_TRUE(p->fused);
  expectStages(*p, {
                       {S::TableBuild, "merchants.build", {1}},
                       {S::Scan, "clean", {0, 2, 3, 4}},
                       {S::Scan, "per_user", {0, 5}},
                       {S::Emit, "per_user.emit", {5, 6}},
                       {S::Scan, "by_category", {0, 7, 8, 9}},
                       {S::Emit, "by_category.emit", {9, 10}},
                   });
  std::vector<int> stageOf;
  for (auto &n : p->nodes)
    stageOf.push_back(n->stage);
  // The source's first scan; an aggregate's update stage.
  EXPECT_EQ(stageOf, (std::vector<int>{1, 0, 1, 1, 1, 2, 3, 4, 4, 4, 5}));
}

TEST(FusionTest, ChainedAggregatesAndOperatorsAfterAnEmit) {
  // txns | key by user_id | aggregate n = count() | where n > 1
  //      | key by n | aggregate users = count() | sink
  Program p;
  Schema s = txnSchema();
  int txns = addSource(p, "txns", s);
  std::vector<Agg> a1;
  a1.push_back({AggFn::Count, nullptr, "n"});
  int agg1 = addAggregate(p, txns, {"user_id"}, list(col(s, UserId)), std::move(a1));
  Schema s1 = p.node(agg1).schema;
  int f = addFilter(p, agg1, cmp(BinaryOp::Gt, col(s1, 1), lit(int64_t(1))));
  std::vector<Agg> a2;
  a2.push_back({AggFn::Count, nullptr, "users"});
  int agg2 = addAggregate(p, f, {"n"}, list(col(s1, 1)), std::move(a2));
  int sink = addSink(p, agg2, "hist");
  addPipeline(p, "hist", sink);
  fuse(p);
  expectStages(p, {
                      {S::Scan, "hist", {txns, agg1}},
                      {S::Emit, "hist.emit", {agg1, f, agg2}},
                      {S::Emit, "hist.emit2", {agg2, sink}},
                  });
  EXPECT_EQ(p.node(agg1).stage, 0);
  EXPECT_EQ(p.node(f).stage, 1);
  EXPECT_EQ(p.node(agg2).stage, 1);
  EXPECT_EQ(p.node(sink).stage, 2);
}

TEST(FusionTest, RerunningReplacesTheStages) {
  auto p = exampleProgram();
  fuse(*p);
  fuse(*p);
  EXPECT_EQ(p->stages.size(), 6u);
}

TEST(FusionTest, UnjoinedTableHasNoBuildStage) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int merchants = addSource(p, "merchants", merchantSchema(), true);
  addCleanPipeline(p, txns);
  fuse(p);
  ASSERT_EQ(p.stages.size(), 1u);
  EXPECT_EQ(p.stages[0].kind, S::Scan);
  EXPECT_EQ(p.node(merchants).stage, -1);
}

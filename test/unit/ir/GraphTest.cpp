#include "ProgramBuilders.h"

#include "ir/Graph.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::ir;
using namespace weir::ir::test;

TEST(GraphTest, ConsumersFollowInputsNotJoinTables) {
  auto p = exampleProgram();
  auto consumers = computeConsumers(*p);
  EXPECT_EQ(consumers[0], (std::vector<int>{2, 5, 7})); // the three pipelines' first steps
  EXPECT_TRUE(consumers[1].empty());                    // the table is joined, not read
  EXPECT_EQ(consumers[8], (std::vector<int>{9}));
  EXPECT_TRUE(consumers[10].empty());
}

TEST(GraphTest, TopologicalOrderPlacesInputsAndTablesFirst) {
  // Build a program whose ids run against the data flow: the table is
  // declared last and the filter after the join that reads it.
  Program p;
  int txns = addSource(p, "txns", txnSchema());        // 0
  Node &join = p.addNode(NodeKind::Join);               // 1, input and table set below
  Node &filter = p.addNode(NodeKind::Filter);           // 2
  int merchants = addSource(p, "merchants", merchantSchema(), true); // 3
  filter.input = txns;
  join.input = filter.id;
  join.table = merchants;
  std::vector<int> order = topologicalOrder(p);
  EXPECT_EQ(order, (std::vector<int>{0, 2, 3, 1}));
}

TEST(GraphTest, RenumberRewritesEveryReference) {
  Program p;
  Schema s = txnSchema();
  int txns = addSource(p, "txns", s);
  int merchants = addSource(p, "merchants", merchantSchema(), true);
  int j = addJoin(p, txns, merchants, col(s, Merchant), 0);
  int sink = addSink(p, j, "p");
  addPipeline(p, "p", sink);
  // Reverse the storage: %0 sink, %1 join, %2 table, %3 source.
  std::reverse(p.nodes.begin(), p.nodes.end());
  for (size_t i = 0; i < p.nodes.size(); ++i)
    p.nodes[i]->id = static_cast<int>(i);
  auto flip = [](int id) { return id < 0 ? id : 3 - id; };
  for (auto &n : p.nodes) {
    n->input = flip(n->input);
    n->table = flip(n->table);
  }
  for (int &id : p.pipelines[0].nodes)
    id = flip(id);
  ASSERT_EQ(verifyMessage(p), "");
  renumberTopologically(p);
  ASSERT_EQ(verifyMessage(p), "");
  // Depth-first from the sink (now %0): its join's input, the join's table,
  // the join, the sink.
  EXPECT_EQ(p.node(0).kind, NodeKind::Source);
  EXPECT_EQ(p.node(1).kind, NodeKind::Table);
  EXPECT_EQ(p.node(2).kind, NodeKind::Join);
  EXPECT_EQ(p.node(2).input, 0);
  EXPECT_EQ(p.node(2).table, 1);
  EXPECT_EQ(p.node(3).kind, NodeKind::Sink);
  EXPECT_EQ(p.node(3).input, 2);
  EXPECT_EQ(p.pipelines[0].nodes, (std::vector<int>{0, 2, 3}));
}

TEST(GraphTest, BypassRemovesTheNodeAndShiftsLaterIds) {
  auto p = exampleProgram();
  bypassAndRemoveNode(*p, 2); // the clean pipeline's filter
  ASSERT_EQ(verifyMessage(*p), "");
  ASSERT_EQ(p->nodes.size(), 10u);
  EXPECT_EQ(p->node(2).kind, NodeKind::Project); // was %3
  EXPECT_EQ(p->node(2).input, 0);
  EXPECT_EQ(p->node(7).kind, NodeKind::Join);    // was %8
  EXPECT_EQ(p->node(7).table, 1);
  EXPECT_EQ(p->pipelines[0].nodes, (std::vector<int>{0, 2, 3}));
  EXPECT_EQ(p->pipelines[2].nodes, (std::vector<int>{0, 6, 7, 8, 9}));
}

#include "ProgramBuilders.h"

#include "ir/Explain.h"
#include "ir/PassManager.h"
#include "ir/Printer.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::ir;
using namespace weir::ir::test;

TEST(IRTest, AddNodeNumbersNodesByPosition) {
  Program p;
  EXPECT_EQ(p.addNode(NodeKind::Source).id, 0);
  EXPECT_EQ(p.addNode(NodeKind::Filter).id, 1);
  EXPECT_EQ(p.node(1).kind, NodeKind::Filter);
  EXPECT_EQ(p.node(1).input, -1);
}

TEST(IRTest, ExprFactoriesFillTheirFields) {
  ExprPtr e = bin(BinaryOp::Add, Expr::makeColumn(2, I64), lit(int64_t(5)), I64);
  EXPECT_EQ(e->kind, ExprKind::Binary);
  EXPECT_EQ(e->binaryOp, BinaryOp::Add);
  ASSERT_EQ(e->args.size(), 2u);
  EXPECT_EQ(e->args[0]->column, 2);
  EXPECT_EQ(std::get<int64_t>(e->args[1]->literal), 5);
  ExprPtr c = Expr::makeCall(ScalarFn::Upper, list(lit("a")), Str, SourceLoc{3, 7});
  EXPECT_EQ(c->fn, ScalarFn::Upper);
  EXPECT_EQ(c->loc.line, 3u);
  EXPECT_EQ(c->loc.col, 7u);
  ExprPtr u = Expr::makeUnary(UnaryOp::Not, lit(true), Bool);
  EXPECT_EQ(u->unaryOp, UnaryOp::Not);
  EXPECT_EQ(u->args.size(), 1u);
}

TEST(IRTest, ExprCloneIsDeep) {
  ExprPtr e = bin(BinaryOp::Mul, Expr::makeColumn(3, F64), lit(100.0), F64);
  ExprPtr c = e->clone();
  c->args[0]->column = 1;
  std::get<double>(c->args[1]->literal) = 2.0;
  EXPECT_EQ(e->args[0]->column, 3);
  EXPECT_EQ(std::get<double>(e->args[1]->literal), 100.0);
  EXPECT_EQ(exprToString(*e), "(mul $3 100.0)");
  EXPECT_EQ(exprToString(*c), "(mul $1 2.0)");
}

TEST(IRTest, ProgramCloneIsDeepAndPrintsTheSame) {
  auto p = exampleProgram();
  auto c = p->clone();
  EXPECT_EQ(programToString(*p), programToString(*c));
  c->node(2).predicate = lit(true);
  c->node(5).aggs[1].arg->column = 0;
  c->pipelines[0].name = "renamed";
  EXPECT_EQ(p->node(2).predicate->kind, ExprKind::Binary);
  EXPECT_EQ(p->node(5).aggs[1].arg->column, Amount);
  EXPECT_EQ(p->pipelines[0].name, "clean");
  EXPECT_EQ(verifyMessage(*p), "");
  EXPECT_NE(verifyMessage(*c), ""); // sum($0:txn_id) no longer type-checks
}

TEST(IRTest, Names) {
  EXPECT_STREQ(nodeKindName(NodeKind::Aggregate), "aggregate");
  EXPECT_STREQ(nodeKindName(NodeKind::Join), "join");
  EXPECT_STREQ(binaryOpSpelling(BinaryOp::Ne), "!=");
  EXPECT_STREQ(binaryOpSpelling(BinaryOp::And), "and");
  EXPECT_STREQ(binaryOpSpelling(BinaryOp::Mod), "%");
}

TEST(IRTest, OperatorSpellingsReadBack) {
  // The parser maps operator tokens back through parseBinaryOpSpelling: every
  // operator must have its own spelling.
  for (BinaryOp op : kAllBinaryOps)
    EXPECT_EQ(parseBinaryOpSpelling(binaryOpSpelling(op)), op) << binaryOpSpelling(op);
  EXPECT_EQ(parseBinaryOpSpelling("<>"), std::nullopt);
  EXPECT_STREQ(windowKindName(WindowKind::None), "none");
  EXPECT_STREQ(windowKindName(WindowKind::Session), "session");
}

// Node and Program copy structurally (compiler-made copy constructors over
// ValuePtr children). Every field set to a value other than its default must
// come through a clone; a new field belongs in this list too.
TEST(IRTest, CloneKeepsEveryNodeField) {
  Program p;
  Node &n = p.addNode(NodeKind::Aggregate);
  n.schema = {{"k", I64}, {"total", ty(TypeKind::Float64, true)}};
  n.input = 7;
  n.loc = SourceLoc{4, 2};
  n.name = "agg";
  n.usedFields = {0, 2};
  n.connector = fileConnector("data/x.csv", "csv", "skip");
  n.connector.options["delimiter"] = ";";
  n.predicate = cmp(BinaryOp::Gt, Expr::makeColumn(1, F64), lit(1.0));
  n.exprs = list(Expr::makeColumn(0, I64));
  n.table = 3;
  n.leftJoin = true;
  n.probeKeys = list(Expr::makeColumn(2, Str));
  n.buildKeys = {1};
  n.eventTimeField = 4;
  n.watermarkDelayMs = 5000;
  n.keys = list(Expr::makeColumn(0, I64));
  n.aggs.push_back(AggCall{AggFn::ApproxPercentile, Expr::makeColumn(1, F64), F64, "p90", 0.9});
  n.window.kind = WindowKind::Hopping;
  n.window.sizeMs = 600000;
  n.window.slideMs = 60000;
  n.window.gapMs = 1;
  n.window.emit = EmitPolicy::Updates;
  n.window.lateToSink = true;
  n.window.lateSink = fileConnector("out/late.jsonl", "json");
  n.timeColumn = 4;
  n.ttlMs = 86400000;
  n.layout.entrySize = 72;
  n.layout.keySlots = {StateSlot{16, 8, 0}};
  n.layout.aggSlots = {StateSlot{24, 8, 1}};
  n.layout.fields = {StateField{"key k", "int64", 16, 8, 0}};
  n.layout.ringSlices = 10;
  n.layout.rowBufferOffset = 40;
  n.stage = 2;
  p.pipelines.push_back(Pipeline{"p", {0}, SourceLoc{1, 1}});
  p.stages.push_back(Stage{0, StageKind::Emit, "p.emit", {0}});
  p.fused = true;

  auto c = p.clone();
  const Node &m = c->node(0);
  EXPECT_EQ(m.id, n.id);
  EXPECT_EQ(m.kind, n.kind);
  EXPECT_EQ(formatSchema(m.schema), formatSchema(n.schema));
  EXPECT_EQ(m.input, n.input);
  EXPECT_EQ(m.loc.line, 4u);
  EXPECT_EQ(m.loc.col, 2u);
  EXPECT_EQ(m.name, n.name);
  EXPECT_EQ(m.usedFields, n.usedFields);
  EXPECT_EQ(formatConnector(m.connector), formatConnector(n.connector));
  EXPECT_EQ(m.connector.options, n.connector.options);
  EXPECT_EQ(exprToString(*m.predicate), "(gt $1 1.0)");
  ASSERT_EQ(m.exprs.size(), 1u);
  EXPECT_NE(m.exprs[0].get(), n.exprs[0].get()); // deep: a copy, not shared
  EXPECT_EQ(m.table, 3);
  EXPECT_TRUE(m.leftJoin);
  ASSERT_EQ(m.probeKeys.size(), 1u);
  EXPECT_EQ(m.probeKeys[0]->column, 2);
  EXPECT_EQ(m.buildKeys, n.buildKeys);
  EXPECT_EQ(m.eventTimeField, 4);
  EXPECT_EQ(m.watermarkDelayMs, 5000);
  ASSERT_EQ(m.keys.size(), 1u);
  ASSERT_EQ(m.aggs.size(), 1u);
  EXPECT_EQ(m.aggs[0].fn, AggFn::ApproxPercentile);
  EXPECT_NE(m.aggs[0].arg.get(), n.aggs[0].arg.get());
  EXPECT_EQ(m.aggs[0].arg->column, 1);
  EXPECT_EQ(m.aggs[0].name, "p90");
  EXPECT_EQ(m.aggs[0].param, 0.9);
  EXPECT_EQ(m.window.kind, WindowKind::Hopping);
  EXPECT_EQ(m.window.sizeMs, 600000);
  EXPECT_EQ(m.window.slideMs, 60000);
  EXPECT_EQ(m.window.gapMs, 1);
  EXPECT_EQ(m.window.emit, EmitPolicy::Updates);
  EXPECT_TRUE(m.window.lateToSink);
  EXPECT_EQ(m.window.lateSink.uri, "file:out/late.jsonl");
  EXPECT_EQ(m.timeColumn, 4);
  EXPECT_EQ(m.ttlMs, 86400000);
  EXPECT_EQ(m.layout.entrySize, 72u);
  ASSERT_EQ(m.layout.keySlots.size(), 1u);
  EXPECT_EQ(m.layout.keySlots[0].offset, 16u);
  ASSERT_EQ(m.layout.aggSlots.size(), 1u);
  EXPECT_EQ(m.layout.aggSlots[0].nullBit, 1);
  ASSERT_EQ(m.layout.fields.size(), 1u);
  EXPECT_EQ(m.layout.fields[0].name, "key k");
  EXPECT_EQ(m.layout.ringSlices, 10u);
  EXPECT_EQ(m.layout.rowBufferOffset, 40u);
  EXPECT_EQ(m.stage, 2);
  ASSERT_EQ(c->pipelines.size(), 1u);
  EXPECT_EQ(c->pipelines[0].name, "p");
  ASSERT_EQ(c->stages.size(), 1u);
  EXPECT_EQ(c->stages[0].name, "p.emit");
  EXPECT_TRUE(c->fused);
}

// After every pass has filled stages and state layouts, a clone prints and
// explains exactly like the original.
TEST(IRTest, CloneOfOptimizedProgramExplainsTheSame) {
  auto p = exampleProgram();
  ASSERT_FALSE(llvm::errorToBool(runPasses(*p, PassOptions{})));
  auto c = p->clone();
  auto explained = [](const Program &prog) {
    std::string s;
    llvm::raw_string_ostream os(s);
    explainProgram(prog, os);
    return s;
  };
  EXPECT_EQ(programToString(*c), programToString(*p));
  EXPECT_EQ(explained(*c), explained(*p));
  EXPECT_NE(explained(*c).find("bytes per key"), std::string::npos);
}

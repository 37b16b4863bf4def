#include "ProgramBuilders.h"

#include "ir/Printer.h"

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

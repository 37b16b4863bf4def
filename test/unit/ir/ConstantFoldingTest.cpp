#include "ProgramBuilders.h"

#include "ir/Printer.h"
#include "ir/passes/Passes.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::ir;
using namespace weir::ir::test;

namespace {

const Type BoolN = ty(TypeKind::Bool, true);
const Type I64N = ty(TypeKind::Int64, true);

// Folds `e` and returns it printed, checking that its type did not change.
std::string fold(ExprPtr e) {
  Type before = e->type;
  foldExpr(e);
  EXPECT_EQ(typeName(e->type), typeName(before)) << exprToString(*e);
  return exprToString(*e);
}

ExprPtr boolCol(int i, bool nullable = false) { return Expr::makeColumn(i, ty(TypeKind::Bool, nullable)); }

} // namespace

TEST(ConstantFoldingTest, Arithmetic) {
  EXPECT_EQ(fold(bin(BinaryOp::Add, lit(int64_t(2)), lit(int64_t(3)), I64)), "5");
  EXPECT_EQ(fold(bin(BinaryOp::Mul, lit(2.5), lit(4.0), F64)), "10.0");
  EXPECT_EQ(fold(bin(BinaryOp::Div, lit(int64_t(-7)), lit(int64_t(2)), I64)), "-3");
  EXPECT_EQ(fold(bin(BinaryOp::Mod, lit(int64_t(-7)), lit(int64_t(2)), I64)), "-1");
  // int64 mixed with float64 computes in float64
  EXPECT_EQ(fold(bin(BinaryOp::Mul, lit(int64_t(3)), lit(0.5), F64)), "1.5");
  // nested: (1 + 2) * x keeps x
  EXPECT_EQ(fold(bin(BinaryOp::Mul,
                     bin(BinaryOp::Add, lit(int64_t(1)), lit(int64_t(2)), I64),
                     Expr::makeColumn(0, I64), I64)),
            "(mul 3 $0)");
  EXPECT_EQ(fold(Expr::makeUnary(UnaryOp::Neg, lit(int64_t(4)), I64)), "-4");
  // durations and timestamps are integer milliseconds
  EXPECT_EQ(fold(bin(BinaryOp::Add, lit(int64_t(60'000), Dur), lit(int64_t(500), Dur), Dur)),
            "60500ms");
  EXPECT_EQ(fold(bin(BinaryOp::Add, lit(int64_t(1'704'067'200'000), Ts),
                     lit(int64_t(3'600'000), Dur), Ts)),
            "timestamp \"2024-01-01T01:00:00Z\"");
}

TEST(ConstantFoldingTest, IntegerEdgeCasesMatchTheGeneratedCode) {
  // x / 0 is null when Sema typed the division nullable, 0 otherwise
  EXPECT_EQ(fold(bin(BinaryOp::Div, lit(int64_t(1)), lit(int64_t(0)), I64N)), "null");
  EXPECT_EQ(fold(bin(BinaryOp::Mod, lit(int64_t(1)), lit(int64_t(0)), I64N)), "null");
  EXPECT_EQ(fold(bin(BinaryOp::Div, lit(int64_t(1)), lit(int64_t(0)), I64)), "0");
  // wrapping add/mul/neg, INT64_MIN / -1 and % -1
  EXPECT_EQ(fold(bin(BinaryOp::Add, lit(INT64_MAX), lit(int64_t(1)), I64)),
            "-9223372036854775808");
  EXPECT_EQ(fold(bin(BinaryOp::Mul, lit(int64_t(1) << 62), lit(int64_t(4)), I64)), "0");
  EXPECT_EQ(fold(Expr::makeUnary(UnaryOp::Neg, lit(INT64_MIN), I64)), "-9223372036854775808");
  EXPECT_EQ(fold(bin(BinaryOp::Div, lit(INT64_MIN), lit(int64_t(-1)), I64N)),
            "-9223372036854775808");
  EXPECT_EQ(fold(bin(BinaryOp::Mod, lit(int64_t(7)), lit(int64_t(-1)), I64N)), "0");
  EXPECT_EQ(fold(bin(BinaryOp::Div, lit(int64_t(7)), lit(int64_t(-1)), I64N)), "-7");
}

TEST(ConstantFoldingTest, LeavesRuntimeDefinedCasesAlone) {
  // float division by zero (inf/nan), hashing, float formatting: the
  // generated code decides
  EXPECT_EQ(fold(bin(BinaryOp::Div, lit(1.0), lit(0.0), F64)), "(div 1.0 0.0)");
  EXPECT_EQ(fold(call(ScalarFn::Hash, list(lit("x")))), "(hash \"x\")");
  EXPECT_EQ(fold(call(ScalarFn::ToString, list(lit(1.5)))), "(string 1.5)");
}

TEST(ConstantFoldingTest, ComparisonsAndNulls) {
  EXPECT_EQ(fold(cmp(BinaryOp::Lt, lit(int64_t(1)), lit(2.0))), "true");
  EXPECT_EQ(fold(cmp(BinaryOp::Ge, lit("abc"), lit("abd"))), "false");
  EXPECT_EQ(fold(cmp(BinaryOp::Eq, lit(true), lit(true))), "true");
  // anything compared with null is null, of the comparison's (nullable) type
  ExprPtr e = cmp(BinaryOp::Gt, nullLit(I64N), lit(int64_t(1)));
  foldExpr(e);
  EXPECT_EQ(exprToString(*e), "null");
  EXPECT_EQ(e->type, BoolN);
  EXPECT_EQ(fold(bin(BinaryOp::Add, nullLit(I64N), lit(int64_t(1)), I64N)), "null");
}

TEST(ConstantFoldingTest, ThreeValuedLogic) {
  // false and x = false, even when x may be null
  EXPECT_EQ(fold(bin(BinaryOp::And, boolCol(0, true), lit(false), BoolN)), "false");
  // null and false = false; null and true = null; null or true = true
  EXPECT_EQ(fold(bin(BinaryOp::And, nullLit(BoolN), lit(false), BoolN)), "false");
  EXPECT_EQ(fold(bin(BinaryOp::And, nullLit(BoolN), lit(true), BoolN)), "null");
  EXPECT_EQ(fold(bin(BinaryOp::Or, nullLit(BoolN), lit(true), BoolN)), "true");
  EXPECT_EQ(fold(bin(BinaryOp::Or, nullLit(BoolN), lit(false), BoolN)), "null");
  // x and true = x, x or false = x
  EXPECT_EQ(fold(bin(BinaryOp::And, boolCol(2), lit(true), Bool)), "$2");
  EXPECT_EQ(fold(bin(BinaryOp::Or, lit(false), boolCol(1, true), BoolN)), "$1");
  EXPECT_EQ(fold(Expr::makeUnary(UnaryOp::Not, lit(false), Bool)), "true");
  EXPECT_EQ(fold(Expr::makeUnary(UnaryOp::Not, nullLit(BoolN), BoolN)), "null");
  EXPECT_EQ(fold(Expr::makeUnary(UnaryOp::Not, Expr::makeUnary(UnaryOp::Not, boolCol(3), Bool),
                                 Bool)),
            "$3");
}

TEST(ConstantFoldingTest, KeepsTypesExact) {
  // `true and x` with a nullable result cannot become the non-null x: x's
  // type is not the expression's type. (Built by hand: the frontend would not
  // type it so, but the fold must not change a type regardless.)
  ExprPtr e = bin(BinaryOp::And, lit(true), boolCol(0), BoolN);
  foldExpr(e);
  EXPECT_EQ(exprToString(*e), "(and true $0)");
  // A literal operand takes the parent's type.
  ExprPtr f = call(ScalarFn::Coalesce, list(nullLit(I64N), lit(int64_t(5)), Expr::makeColumn(0, I64N)));
  Type t = f->type;
  foldExpr(f);
  EXPECT_EQ(exprToString(*f), "5");
  EXPECT_EQ(f->type, t);
}

TEST(ConstantFoldingTest, Functions) {
  EXPECT_EQ(fold(call(ScalarFn::Upper, list(lit("abc")))), "\"ABC\"");
  EXPECT_EQ(fold(call(ScalarFn::Lower, list(lit("AbC")))), "\"abc\"");
  // case mapping is ASCII-only (stdlib/runtime/Strings.cpp): é stays
  EXPECT_EQ(fold(call(ScalarFn::Upper, list(lit("aé")))), "\"Aé\"");
  EXPECT_EQ(fold(call(ScalarFn::Lower, list(lit("ÉA")))), "\"Éa\"");
  EXPECT_EQ(fold(call(ScalarFn::Length, list(lit("héllo")))), "5"); // code points
  EXPECT_EQ(fold(call(ScalarFn::Concat, list(lit("a"), lit("b"), lit("c")))), "\"abc\"");
  EXPECT_EQ(fold(call(ScalarFn::Substr, list(lit("hello"), lit(int64_t(2)), lit(int64_t(3))))),
            "\"ell\"");
  EXPECT_EQ(fold(call(ScalarFn::Substr, list(lit("hello"), lit(int64_t(4))))), "\"lo\"");
  // Spark semantics: 0 is like 1; negative counts from the end; the part
  // before the start still counts against len; positions are code points
  EXPECT_EQ(fold(call(ScalarFn::Substr, list(lit("hello"), lit(int64_t(0)), lit(int64_t(2))))),
            "\"he\"");
  EXPECT_EQ(fold(call(ScalarFn::Substr, list(lit("hello"), lit(int64_t(-3))))), "\"llo\"");
  EXPECT_EQ(fold(call(ScalarFn::Substr, list(lit("hello"), lit(int64_t(-7)), lit(int64_t(3))))),
            "\"h\"");
  EXPECT_EQ(fold(call(ScalarFn::Substr, list(lit("héllo"), lit(int64_t(2)), lit(int64_t(2))))),
            "\"él\"");
  EXPECT_EQ(fold(call(ScalarFn::Substr, list(lit("abc"), lit(int64_t(9))))), "\"\"");
  EXPECT_EQ(fold(call(ScalarFn::Substr, list(lit("abc"), lit(int64_t(2)), lit(int64_t(-1))))),
            "\"bc\"");
  // RFC 4648 test vectors
  EXPECT_EQ(fold(call(ScalarFn::Base64, list(lit("")))), "\"\"");
  EXPECT_EQ(fold(call(ScalarFn::Base64, list(lit("f")))), "\"Zg==\"");
  EXPECT_EQ(fold(call(ScalarFn::Base64, list(lit("fo")))), "\"Zm8=\"");
  EXPECT_EQ(fold(call(ScalarFn::Base64, list(lit("foobar")))), "\"Zm9vYmFy\"");
  EXPECT_EQ(fold(call(ScalarFn::Contains, list(lit("hello"), lit("ll")))), "true");
  EXPECT_EQ(fold(call(ScalarFn::StartsWith, list(lit("hello"), lit("lo")))), "false");
  EXPECT_EQ(fold(call(ScalarFn::EndsWith, list(lit("hello"), lit("lo")))), "true");
  EXPECT_EQ(fold(call(ScalarFn::ToInt64, list(lit(-2.7)))), "-2");
  EXPECT_EQ(fold(call(ScalarFn::ToFloat64, list(lit(int64_t(3))))), "3.0");
  EXPECT_EQ(fold(call(ScalarFn::ToString, list(lit(int64_t(-12))))), "\"-12\"");
  EXPECT_EQ(fold(call(ScalarFn::Round, list(lit(2.5)))), "3.0");  // half away from zero
  EXPECT_EQ(fold(call(ScalarFn::Round, list(lit(-2.5)))), "-3.0");
  EXPECT_EQ(fold(call(ScalarFn::Floor, list(lit(-1.5)))), "-2.0");
  EXPECT_EQ(fold(call(ScalarFn::Sqrt, list(lit(int64_t(16))))), "4.0");
  EXPECT_EQ(fold(call(ScalarFn::Abs, list(lit(int64_t(-9))))), "9");
  EXPECT_EQ(fold(call(ScalarFn::Pow, list(lit(2.0), lit(int64_t(10))))), "1024.0");
  // 2024-01-01 (a Monday) 13:45 UTC
  int64_t monday = 1'704'067'200'000 + 13 * 3'600'000 + 45 * 60'000;
  EXPECT_EQ(fold(call(ScalarFn::Hour, list(lit(monday, Ts)))), "13");
  EXPECT_EQ(fold(call(ScalarFn::DayOfWeek, list(lit(monday, Ts)))), "1");
  EXPECT_EQ(fold(call(ScalarFn::DayOfWeek, list(lit(int64_t(0), Ts)))), "4"); // a Thursday
  // Sunday 1969-12-28 23:00: before the epoch, floor division matters
  EXPECT_EQ(fold(call(ScalarFn::DayOfWeek, list(lit(int64_t(-3 * 86'400'000 - 3'600'000), Ts)))),
            "7");
  EXPECT_EQ(fold(call(ScalarFn::FloorTime, list(lit(monday, Ts), lit(int64_t(3'600'000), Dur)))),
            "timestamp \"2024-01-01T13:00:00Z\"");
}

TEST(ConstantFoldingTest, ConditionalsAndNullChecks) {
  EXPECT_EQ(fold(call(ScalarFn::If, list(lit(true), Expr::makeColumn(0, I64), lit(int64_t(1))))),
            "$0");
  EXPECT_EQ(fold(call(ScalarFn::If, list(nullLit(BoolN), Expr::makeColumn(0, I64),
                                         lit(int64_t(1))))),
            "1");
  EXPECT_EQ(fold(call(ScalarFn::IsNull, list(Expr::makeColumn(0, I64)))), "false");
  EXPECT_EQ(fold(call(ScalarFn::IsNull, list(nullLit(I64N)))), "true");
  EXPECT_EQ(fold(call(ScalarFn::IsNull, list(Expr::makeColumn(0, I64N)))), "(is_null $0)");
  EXPECT_EQ(fold(call(ScalarFn::Upper, list(nullLit(ty(TypeKind::String, true))))), "null");
  EXPECT_EQ(fold(call(ScalarFn::Coalesce, list(Expr::makeColumn(1, I64N), lit(int64_t(0))))),
            "(coalesce $1 0)");
}

TEST(ConstantFoldingTest, DropsWhereTrueAndSimplifiesPredicates) {
  Program p;
  Schema s = txnSchema();
  int txns = addSource(p, "txns", s);
  // where true and amount > 1.0 + 1.0
  int f1 = addFilter(p, txns,
                     bin(BinaryOp::And, lit(true),
                         cmp(BinaryOp::Gt, col(s, Amount),
                             bin(BinaryOp::Add, lit(1.0), lit(1.0), F64)),
                         Bool));
  int f2 = addFilter(p, f1, cmp(BinaryOp::Lt, lit(int64_t(1)), lit(int64_t(2)))); // where 1 < 2
  addPipeline(p, "p", addSink(p, f2, "p"));
  ASSERT_EQ(verifyMessage(p), "");
  ASSERT_FALSE(llvm::errorToBool(runConstantFolding(p)));
  EXPECT_EQ(verifyMessage(p), "");
  ASSERT_EQ(p.nodes.size(), 3u); // the `where 1 < 2` filter is gone
  EXPECT_EQ(p.node(1).kind, NodeKind::Filter);
  EXPECT_EQ(exprToString(*p.node(1).predicate), "(gt $3 2.0)");
  EXPECT_EQ(p.node(2).kind, NodeKind::Sink);
  EXPECT_EQ(p.node(2).input, 1);
  EXPECT_EQ(p.pipelines[0].nodes, (std::vector<int>{0, 1, 2}));
}

TEST(ConstantFoldingTest, KeepsWhereFalse) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int f = addFilter(p, txns, bin(BinaryOp::And, lit(false), lit(true), Bool));
  addPipeline(p, "p", addSink(p, f, "p"));
  ASSERT_FALSE(llvm::errorToBool(runConstantFolding(p)));
  ASSERT_EQ(p.nodes.size(), 3u);
  EXPECT_EQ(exprToString(*p.node(1).predicate), "false");
}

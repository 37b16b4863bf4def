#include "ProgramBuilders.h"

#include "ir/Printer.h"
#include "ir/passes/Passes.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::ir;
using namespace weir::ir::test;

TEST(PrinterTest, Literals) {
  EXPECT_EQ(formatLiteral(*nullLit(ty(TypeKind::Int64, true))), "null");
  EXPECT_EQ(formatLiteral(*lit(true)), "true");
  EXPECT_EQ(formatLiteral(*lit(int64_t(-42))), "-42");
  EXPECT_EQ(formatLiteral(*lit(3.0)), "3.0");
  EXPECT_EQ(formatLiteral(*lit(0.1)), "0.1");
  EXPECT_EQ(formatLiteral(*lit(1e21)), "1e+21");
  EXPECT_EQ(formatLiteral(*lit("say \"hi\"\n\\")), "\"say \\\"hi\\\"\\n\\\\\"");
  EXPECT_EQ(formatLiteral(*lit(int64_t(90'000), Dur)), "90s");
  EXPECT_EQ(formatLiteral(*lit(int64_t(250), Dur)), "250ms");
  EXPECT_EQ(formatLiteral(*lit(int64_t(7'200'000), Dur)), "2h");
  EXPECT_EQ(formatLiteral(*lit(int64_t(0), Dur)), "0ms");
  // 2024-01-01T00:00:00Z is 1704067200 s after the epoch.
  EXPECT_EQ(formatLiteral(*lit(int64_t(1'704'067'200'000), Ts)),
            "timestamp \"2024-01-01T00:00:00Z\"");
  EXPECT_EQ(formatLiteral(*lit(int64_t(1'704'067'200'000 + 3'723'045), Ts)),
            "timestamp \"2024-01-01T01:02:03.045Z\"");
  // One millisecond before the epoch.
  EXPECT_EQ(formatLiteral(*lit(int64_t(-1), Ts)), "timestamp \"1969-12-31T23:59:59.999Z\"");
}

TEST(PrinterTest, ExpressionsNameTheColumnsTheyRead) {
  Schema s = txnSchema();
  ExprPtr e = call(ScalarFn::Concat, list(col(s, TxnId), lit("-")));
  EXPECT_EQ(exprToString(*e, &s), "(concat $0:txn_id \"-\")");
  ExprPtr n = Expr::makeUnary(UnaryOp::Neg, col(s, Amount), F64);
  EXPECT_EQ(exprToString(*n, &s), "(neg $3:amount)");
  EXPECT_EQ(exprToString(*n), "(neg $3)");
}

TEST(PrinterTest, CleanPipeline) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  addCleanPipeline(p, txns);
  const char *expected =
      "%0 = source txns : {txn_id: string, user_id: int64, merchant: string, amount: float64, "
      "ts: timestamp} file \"data/txns.jsonl\" json on_error=fail\n"
      "       decode [txn_id, user_id, merchant, amount, ts] (5 of 5)\n"
      "%1 = filter %0 : (and (gt $3:amount 0.0) (ne $2:merchant \"\"))\n"
      "%2 = project %1 : {txn_id: string = $0:txn_id, user_id: int64 = $1:user_id, "
      "cents: int64 = (int64 (round (mul $3:amount 100.0))), m: string = (upper $2:merchant)}\n"
      "%3 = sink %2 \"clean\" file \"out/clean.jsonl\" json\n"
      "pipeline clean: %0 -> %1 -> %2 -> %3\n";
  EXPECT_EQ(programToString(p), expected);

  ASSERT_FALSE(llvm::errorToBool(runFusion(p)));
  EXPECT_EQ(programToString(p), std::string(expected) +
                                    "stage 0 scan \"clean\": %0 -> %1 -> %2 -> %3\n");
  p.fused = false;
  EXPECT_NE(programToString(p).find("; not fused"), std::string::npos);
}

TEST(PrinterTest, AggregateWithLayoutAndJoin) {
  auto p = exampleProgram();
  ASSERT_FALSE(llvm::errorToBool(runStateLayout(*p)));
  std::string text = programToString(*p);
  EXPECT_NE(text.find("%5 = aggregate %0 by [$1:user_id] : {user_id: int64, n: int64 = count(), "
                      "total: float64 = sum($3:amount), biggest: float64 = max($3:amount), "
                      "first_seen: timestamp = min($4:ts), merchants: int64 = "
                      "count_distinct($2:merchant)}\n"
                      "       state 72 bytes/key: header 0..16, key user_id (int64) 16..24, "
                      "n: count (int64) 24..32, total: sum (float64, null bit 0) 32..40, "
                      "biggest: max (float64, null bit 1) 40..48, first_seen: min (timestamp, "
                      "null bit 2) 48..56, merchants: count_distinct (distinct) 56..64, "
                      "null bitmap 64..65 (1 out of line)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("%8 = join %7 with %1 on [$2:merchant = name] : {txn_id: string, "
                      "user_id: int64, merchant: string, amount: float64, ts: timestamp, "
                      "name: string, category: string, risk: float64}\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("%1 = table merchants : {name: string, category: string, risk: float64} "
                      "file \"data/merchants.csv\" csv\n"),
            std::string::npos)
      << text;
}

TEST(PrinterTest, BrokenSchemasStillPrint) {
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int f = addFilter(p, txns, lit(true));
  p.node(f).schema.pop_back();
  EXPECT_NE(programToString(p).find(
                "%1 = filter %0 : true -> {txn_id: string, user_id: int64, merchant: string, "
                "amount: float64}"),
            std::string::npos);
}

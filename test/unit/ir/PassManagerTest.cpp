#include "ProgramBuilders.h"

#include "ir/Explain.h"
#include "ir/PassManager.h"
#include "ir/Printer.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::ir;
using namespace weir::ir::test;

namespace {

std::string explain(const Program &p) {
  std::string s;
  llvm::raw_string_ostream os(s);
  explainProgram(p, os);
  return s;
}

} // namespace

TEST(PassManagerTest, RunsEveryPassAndVerifies) {
  Program p;
  Schema s = txnSchema();
  int txns = addSource(p, "txns", s);
  // txns | select user_id, amt = amount | where amt > 1.0 + 1.0 | sink
  int proj = addProject(p, txns, {"user_id", "amt"}, list(col(s, UserId), col(s, Amount)));
  Schema ps = p.node(proj).schema;
  int f = addFilter(p, proj,
                    cmp(BinaryOp::Gt, col(ps, 1), bin(BinaryOp::Add, lit(1.0), lit(1.0), F64)));
  addPipeline(p, "p", addSink(p, f, "p"));

  std::string trace;
  llvm::raw_string_ostream os(trace);
  ASSERT_FALSE(llvm::errorToBool(runPasses(p, PassOptions{}, &os)));
  for (const char *pass : {"constant-folding", "predicate-pushdown", "projection-pruning",
                           "fusion", "state-layout"})
    EXPECT_NE(trace.find(std::string("; after ") + pass), std::string::npos) << pass;
  EXPECT_EQ(programToString(p),
            "%0 = source txns : {txn_id: string, user_id: int64, merchant: string, amount: "
            "float64, ts: timestamp} file \"data/txns.jsonl\" json on_error=fail\n"
            "       decode [user_id, amount] (2 of 5)\n"
            "%1 = filter %0 : (gt $3:amount 2.0)\n"
            "%2 = project %1 : {user_id: int64 = $1:user_id, amt: float64 = $3:amount}\n"
            "%3 = sink %2 \"p\" file \"out/p.jsonl\" json\n"
            "pipeline p: %0 -> %1 -> %2 -> %3\n"
            "stage 0 scan \"p\": %0 -> %1 -> %2 -> %3\n");
  EXPECT_TRUE(p.fused);
}

TEST(PassManagerTest, NoOptimizeSkipsFoldingAndPushdown) {
  Program p;
  Schema s = txnSchema();
  int txns = addSource(p, "txns", s);
  int proj = addProject(p, txns, {"amt"}, list(col(s, Amount)));
  int f = addFilter(p, proj,
                    cmp(BinaryOp::Gt, col(p.node(proj).schema, 0),
                        bin(BinaryOp::Add, lit(1.0), lit(1.0), F64)));
  addPipeline(p, "p", addSink(p, f, "p"));
  PassOptions opts;
  opts.optimize = false;
  opts.fuse = false;
  ASSERT_FALSE(llvm::errorToBool(runPasses(p, opts)));
  EXPECT_EQ(p.node(f).kind, NodeKind::Filter);
  EXPECT_EQ(p.node(f).input, proj);
  EXPECT_EQ(exprToString(*p.node(f).predicate), "(gt $0 (add 1.0 1.0))");
  EXPECT_EQ(p.node(txns).usedFields, (std::vector<int>{Amount})); // pruning still runs
  EXPECT_EQ(p.stages.size(), 1u);                                  // fusion too
  EXPECT_FALSE(p.fused);
}

TEST(PassManagerTest, BrokenInputNamesLowering) {
  auto p = exampleProgram();
  p->node(3).exprs[0]->column = 42;
  llvm::Error err = runPasses(*p, PassOptions{});
  ASSERT_TRUE(static_cast<bool>(err));
  std::string msg = llvm::toString(std::move(err));
  EXPECT_EQ(msg.rfind("after lowering: invalid IR:", 0), 0u) << msg;
  EXPECT_NE(msg.find("$42 out of range"), std::string::npos) << msg;
}

TEST(ExplainTest, ExampleProgram) {
  auto p = exampleProgram();
  ASSERT_FALSE(llvm::errorToBool(runPasses(*p, PassOptions{})));
  std::string text = explain(*p);
  EXPECT_NE(text.find("plan: 6 stages, each compiled into one fused loop\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("\nstage 1: scan \"clean\"\n"
                      "  shared scan: one loop decodes each record of txns once and feeds 3 "
                      "pipelines in turn: clean, per_user, by_category\n"
                      "  source txns: file \"data/txns.jsonl\" json on_error=fail\n"
                      "    decodes 5 of 5 fields: txn_id, user_id, merchant, amount, ts\n"
                      "  filter amount > 0.0 and merchant != \"\"\n"
                      "  project txn_id, user_id, cents = int64(round(amount * 100.0)), "
                      "m = upper(merchant)\n"
                      "  sink \"clean\": file \"out/clean.jsonl\" json\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\nstage 2: scan \"per_user\"\n"
                      "  fed by the shared scan of stage 1 (\"clean\"): reads txns's records as "
                      "decoded there\n"
                      "  aggregate %5 by user_id"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  join merchants on merchant == merchants.name (probe)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    state: 72 bytes per key, plus the out-of-line bytes of 1 field\n"
                      "      offset  size  field\n"
                      "           0    16  header (hash, chain link)\n"
                      "          16     8  key user_id (int64)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("          56     8  merchants: count_distinct (distinct: the int64 count, the "
                      "values out of line)\n"
                      "          64     1  null bitmap (3 bits)\n"
                      "          65     7  padding\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stage 0: table-build \"merchants.build\"\n"
                      "  table merchants: file \"data/merchants.csv\" csv\n"
                      "    decodes 3 of 3 fields: name, category, risk\n"
                      "    hash key: name\n"
                      "    state: 56 bytes per row, plus the out-of-line bytes of 2 fields\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("stage 3: emit \"per_user.emit\"\n"
                      "  emit %5's 6 columns per key, keys in first-seen order\n"
                      "  sink \"per_user\""),
            std::string::npos)
      << text;
}

TEST(ExplainTest, InfixParenthesizesOnlyWhereNeeded) {
  Program p;
  Schema s = txnSchema();
  int txns = addSource(p, "txns", s);
  // (amount + 1.0) * 2.0 > amount - (amount - 1.0) or not (true and merchant == "")
  ExprPtr lhs = bin(BinaryOp::Mul, bin(BinaryOp::Add, col(s, Amount), lit(1.0), F64), lit(2.0), F64);
  ExprPtr rhs = bin(BinaryOp::Sub, col(s, Amount), bin(BinaryOp::Sub, col(s, Amount), lit(1.0), F64),
                    F64);
  ExprPtr notPart = Expr::makeUnary(
      UnaryOp::Not,
      bin(BinaryOp::And, lit(true), cmp(BinaryOp::Eq, col(s, Merchant), lit("")), Bool), Bool);
  int f = addFilter(p, txns,
                    bin(BinaryOp::Or, cmp(BinaryOp::Gt, std::move(lhs), std::move(rhs)),
                        std::move(notPart), Bool));
  Schema fs = p.node(f).schema;
  int proj = addProject(p, f, {"neg"},
                        list(Expr::makeUnary(UnaryOp::Neg,
                                             bin(BinaryOp::Add, col(fs, Amount), lit(1.0), F64),
                                             F64)));
  addPipeline(p, "p", addSink(p, proj, "p"));
  PassOptions opts;
  opts.optimize = false; // keep `true and ...` as written
  opts.fuse = false;
  ASSERT_FALSE(llvm::errorToBool(runPasses(p, opts)));
  std::string text = explain(p);
  EXPECT_NE(text.find("  filter (amount + 1.0) * 2.0 > amount - (amount - 1.0) or "
                      "not (true and merchant == \"\")\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  project neg = -(amount + 1.0)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("not fused"), std::string::npos) << text;
}

TEST(PassManagerTest, RunsANamedPipelineOnly) {
  auto p = exampleProgram();
  PassOptions opts;
  opts.pipeline = {"fusion"};
  std::string trace;
  llvm::raw_string_ostream os(trace);
  ASSERT_FALSE(llvm::errorToBool(runPasses(*p, opts, &os)));
  EXPECT_FALSE(p->stages.empty());
  EXPECT_EQ(p->node(0).usedFields.size(), 5u); // the builders' list, not pruned
  EXPECT_EQ(p->node(5).layout.entrySize, 0u);      // no state layout
  EXPECT_EQ(trace.rfind("; after fusion\n", 0), 0u) << trace;
  EXPECT_EQ(trace.find("; after", 1), std::string::npos) << trace;
}

TEST(PassManagerTest, DefaultPipelineIsTheRegisteredPassesInOrder) {
  std::vector<std::string> all;
  for (const PassInfo &pass : registeredPasses())
    all.push_back(pass.name);
  EXPECT_EQ(defaultPipeline(true), all);
  EXPECT_EQ(defaultPipeline(false),
            (std::vector<std::string>{"projection-pruning", "fusion", "state-layout"}));
}

TEST(PassManagerTest, RejectsUnknownNamesAndBrokenOrders) {
  auto names = parsePassList("fusion, state-layout");
  ASSERT_TRUE(static_cast<bool>(names));
  EXPECT_EQ(*names, (std::vector<std::string>{"fusion", "state-layout"}));
  EXPECT_EQ(llvm::toString(checkPipeline(*names)),
            "state-layout needs projection-pruning earlier in the pipeline");
  auto unknown = parsePassList("fusion,fold");
  ASSERT_FALSE(static_cast<bool>(unknown));
  EXPECT_EQ(llvm::toString(unknown.takeError()),
            "unknown pass 'fold' (the passes: constant-folding, predicate-pushdown, "
            "projection-pruning, fusion, share-scans, state-layout)");
  std::vector<std::string> late = {"fusion", "constant-folding"};
  EXPECT_NE(llvm::toString(checkPipeline(late)).find("must run before fusion"), std::string::npos);
  auto p = exampleProgram();
  PassOptions opts;
  opts.pipeline = late;
  EXPECT_TRUE(llvm::errorToBool(runPasses(*p, opts))); // runPasses checks too
}

#include "ProgramBuilders.h"

#include "ir/PassManager.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::ir;
using namespace weir::ir::test;

namespace {

// Fails unless verification fails with a message containing `needle`.
void expectRejected(const Program &p, const std::string &needle) {
  std::string msg = verifyMessage(p);
  EXPECT_NE(msg, "") << "expected a failure mentioning: " << needle;
  EXPECT_NE(msg.find(needle), std::string::npos) << msg;
}

} // namespace

TEST(VerifierTest, AcceptsTheExampleBeforeAndAfterThePasses) {
  auto p = exampleProgram();
  EXPECT_EQ(verifyMessage(*p), "");
  ASSERT_FALSE(llvm::errorToBool(runPasses(*p, PassOptions{})));
  EXPECT_EQ(verifyMessage(*p), "");
}

TEST(VerifierTest, ColumnOutOfRange) {
  auto p = exampleProgram();
  p->node(2).predicate->args[0]->args[0]->column = 9; // amount -> $9 of 5
  expectRejected(*p, "%2 (filter): predicate: column $9 out of range (input has 5 columns)");
}

TEST(VerifierTest, ColumnTypedUnlikeItsInput) {
  auto p = exampleProgram();
  p->node(3).exprs[1]->column = TxnId; // user_id: int64 now reads the string txn_id
  expectRejected(*p, "column $0 typed int64 but the input column is string");
}

TEST(VerifierTest, FilterPredicateMustBeBool) {
  auto p = exampleProgram();
  p->node(7).predicate = col(txnSchema(), Amount);
  expectRejected(*p, "the predicate is float64, not bool");
}

TEST(VerifierTest, NullableOperandNeedsNullableResult) {
  auto p = exampleProgram();
  p->node(7).predicate->args[1] = nullLit(ty(TypeKind::Float64, true));
  expectRejected(*p, "nullable operands need a nullable result");
}

TEST(VerifierTest, ProjectTypesMatchItsSchema) {
  auto p = exampleProgram();
  p->node(3).schema[2].type = F64; // cents is int64
  expectRejected(*p, "column cents is float64 but its expression is int64");
}

TEST(VerifierTest, CallsFollowTheBuiltinSignatures) {
  auto p = exampleProgram();
  p->node(3).exprs[3]->type = I64; // upper(...) returns string
  p->node(3).schema[3].type = I64;
  expectRejected(*p, "call typed int64 but upper returns string");
}

TEST(VerifierTest, LiteralMustFitItsType) {
  auto p = exampleProgram();
  p->node(7).predicate->args[1] = Expr::makeLiteral(int64_t(0), F64);
  expectRejected(*p, "does not fit its type float64");
}

TEST(VerifierTest, JoinKeyTypesMustMatch) {
  auto p = exampleProgram();
  p->node(8).buildKeys[0] = 2; // merchant (string) == risk (float64)
  expectRejected(*p, "key 0 compares string with risk: float64");
}

TEST(VerifierTest, JoinOutputIsInputPlusTable) {
  auto p = exampleProgram();
  p->node(8).leftJoin = true; // the table side would have to be nullable
  expectRejected(*p, "is not the input ++ the table's columns");
}

TEST(VerifierTest, AggregateOutputIsKeysThenAggregates) {
  auto p = exampleProgram();
  p->node(5).schema.pop_back();
  expectRejected(*p, "the output has 5 columns for 1 keys and 5 aggregates");
  p = exampleProgram();
  p->node(5).aggs[1].resultType = I64; // sum(float64) is float64
  p->node(5).schema[2].type = I64;
  expectRejected(*p, "aggregate total typed int64 but sum returns float64");
}

TEST(VerifierTest, SinksAreTerminal) {
  auto p = exampleProgram();
  p->node(5).input = 4; // the per_user aggregate reads the clean sink
  expectRejected(*p, "reads from sink %4; sinks are terminal");
}

TEST(VerifierTest, TablesAreOnlyJoined) {
  auto p = exampleProgram();
  p->node(7).input = 1;
  p->node(7).schema = merchantSchema();
  expectRejected(*p, "reads table %1 as a stream");
}

TEST(VerifierTest, Cycles) {
  auto p = exampleProgram();
  p->node(2).input = 3;
  expectRejected(*p, "cycle");
}

TEST(VerifierTest, IdsAreIndices) {
  auto p = exampleProgram();
  p->node(3).id = 7;
  expectRejected(*p, "node at index 3 has id 7");
}

TEST(VerifierTest, PipelinesAreChains) {
  auto p = exampleProgram();
  std::swap(p->pipelines[0].nodes[1], p->pipelines[0].nodes[2]);
  expectRejected(*p, "pipeline clean: %3 does not read %0");
}

TEST(VerifierTest, UsedFieldsSortedAndInRange) {
  auto p = exampleProgram();
  p->node(0).usedFields = {3, 1};
  expectRejected(*p, "used fields are not sorted and unique");
  p->node(0).usedFields = {1, 5};
  expectRejected(*p, "used field 5 out of range");
}

TEST(VerifierTest, StagesCoverEveryNodeOnce) {
  auto p = exampleProgram();
  ASSERT_FALSE(llvm::errorToBool(runPasses(*p, PassOptions{})));
  auto dropped = p->clone();
  // The clean scan stage forgets its project.
  auto &nodes = dropped->stages[1].nodes;
  nodes.erase(nodes.begin() + 2);
  expectRejected(*dropped, "does not read");
  expectRejected(*dropped, "must be inside exactly one stage");

  auto twice = p->clone();
  twice->stages[2].nodes.insert(twice->stages[2].nodes.begin() + 1, 2); // filter of clean again
  expectRejected(*twice, "must be inside exactly one stage");
}

TEST(VerifierTest, StagesRunInDependencyOrder) {
  auto p = exampleProgram();
  ASSERT_FALSE(llvm::errorToBool(runPasses(*p, PassOptions{})));
  // Move the table build to the end.
  Stage build = p->stages.front();
  p->stages.erase(p->stages.begin());
  p->stages.push_back(build);
  for (size_t i = 0; i < p->stages.size(); ++i)
    p->stages[i].id = static_cast<int>(i);
  expectRejected(*p, "joins %1 before a stage has built its table");
}

// The example's three scans of txns share one (stage 1 leads 2 and 4); a
// member that names another leader, a leader listing a stage that does not
// name it, or a member over another source is refused.
TEST(VerifierTest, SharedScansLinkLeaderAndMembers) {
  auto p = exampleProgram();
  ASSERT_FALSE(llvm::errorToBool(runPasses(*p, PassOptions{})));
  ASSERT_EQ(p->stages[1].sharedMembers, (std::vector<int>{2, 4}));
  ASSERT_EQ(p->stages[2].sharedScan, 1);
  ASSERT_EQ(p->stages[4].sharedScan, 1);

  auto orphan = p->clone();
  orphan->stages[1].sharedMembers = {2};
  expectRejected(*orphan, "joins shared scan 1, which is not an earlier stage listing it");

  auto emit = p->clone();
  emit->stages[1].sharedMembers.push_back(5); // an emit stage
  expectRejected(*emit, "which is not a later scan of the same source naming it");

  auto backwards = p->clone();
  backwards->stages[2].sharedScan = 4;
  expectRejected(*backwards, "joins shared scan 4");

  auto unfused = exampleProgram();
  PassOptions noFuse;
  noFuse.fuse = false;
  ASSERT_FALSE(llvm::errorToBool(runPasses(*unfused, noFuse)));
  for (const Stage &s : unfused->stages)
    EXPECT_TRUE(s.sharedMembers.empty() && s.sharedScan < 0) << s.name;
}

TEST(VerifierTest, StateSlotsMustNotOverlap) {
  auto p = exampleProgram();
  ASSERT_FALSE(llvm::errorToBool(runPasses(*p, PassOptions{})));
  auto overlap = p->clone();
  overlap->node(5).layout.aggSlots[1].offset = 20; // inside the key's 16..24
  expectRejected(*overlap, "overlaps");
  auto outside = p->clone();
  outside->node(5).layout.aggSlots[1].offset = 64; // the null bitmap's byte
  expectRejected(*outside, "slots run past the null bitmap");
  auto wrongSize = p->clone();
  wrongSize->node(5).layout.keySlots[0].size = 16; // int64 key
  expectRejected(*wrongSize, "key 0 has size 16 for int64");
  auto sharedBit = p->clone();
  sharedBit->node(5).layout.aggSlots[2].nullBit = 0;
  expectRejected(*sharedBit, "shares null bit 0");
}

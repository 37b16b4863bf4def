// The verifier's checks of event time, windows and ttl (ir/Verifier.cpp):
// each test breaks one invariant of a valid windowed program and expects the
// message that names it.
#include "ProgramBuilders.h"

#include "ir/PassManager.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::ir;
using namespace weir::ir::test;

namespace {

void expectRejected(const Program &p, const std::string &needle) {
  std::string msg = verifyMessage(p);
  EXPECT_NE(msg, "") << "expected a failure mentioning: " << needle;
  EXPECT_NE(msg.find(needle), std::string::npos) << msg;
}

struct Windowed {
  std::unique_ptr<Program> program = std::make_unique<Program>();
  int source = -1;
  int aggregate = -1;
  Node &agg() { return program->node(aggregate); }
  Node &src() { return program->node(source); }
};

// txns (event_time ts watermark 5s) | key by user_id | window KIND
//   | aggregate n = count(), total = sum(amount)
Windowed windowedProgram(WindowKind kind) {
  Windowed w;
  Program &p = *w.program;
  w.source = addSource(p, "txns", txnSchema());
  p.node(w.source).eventTimeField = TsField;
  p.node(w.source).watermarkDelayMs = 5000;
  Schema s = txnSchema();
  std::vector<Agg> aggs;
  aggs.push_back({AggFn::Count, nullptr, "n"});
  aggs.push_back({AggFn::Sum, col(s, Amount), "total"});
  w.aggregate = addAggregate(p, w.source, {"user_id"}, list(col(s, UserId)), std::move(aggs));
  Node &n = p.node(w.aggregate);
  n.window.kind = kind;
  n.timeColumn = TsField;
  n.watermarkDelayMs = 5000;
  switch (kind) {
  case WindowKind::Tumbling:
    n.window.sizeMs = n.window.slideMs = 60000;
    break;
  case WindowKind::Hopping:
    n.window.sizeMs = 600000;
    n.window.slideMs = 60000;
    break;
  case WindowKind::Session:
    n.window.gapMs = 300000;
    break;
  case WindowKind::Rolling:
    n.window.sizeMs = 3600000;
    break;
  case WindowKind::None:
    break;
  }
  if (kind == WindowKind::Rolling) {
    Schema out = s;
    out.insert(out.end(), n.schema.begin() + 1, n.schema.end());
    n.schema = std::move(out);
  } else if (kind != WindowKind::None) {
    n.schema.insert(n.schema.begin() + 1, {{"window_start", Ts}, {"window_end", Ts}});
  }
  addPipeline(p, "w", addSink(p, w.aggregate, "w"));
  return w;
}

} // namespace

TEST(WindowVerifierTest, AcceptsEveryKindBeforeAndAfterThePasses) {
  for (WindowKind kind : {WindowKind::Tumbling, WindowKind::Hopping, WindowKind::Session,
                          WindowKind::Rolling}) {
    Windowed w = windowedProgram(kind);
    EXPECT_EQ(verifyMessage(*w.program), "") << int(kind);
    ASSERT_FALSE(llvm::errorToBool(runPasses(*w.program, PassOptions{})));
    EXPECT_EQ(verifyMessage(*w.program), "") << int(kind);
  }
}

TEST(WindowVerifierTest, AcceptsTtl) {
  Windowed w = windowedProgram(WindowKind::None);
  w.agg().ttlMs = 86400000;
  EXPECT_EQ(verifyMessage(*w.program), "");
  ASSERT_FALSE(llvm::errorToBool(runPasses(*w.program, PassOptions{})));
  EXPECT_EQ(verifyMessage(*w.program), "");
}

TEST(WindowVerifierTest, EventTimeFieldIsANonNullableTimestampInRange) {
  Windowed w = windowedProgram(WindowKind::Tumbling);
  w.src().eventTimeField = 9;
  expectRejected(*w.program, "%0 (source): event-time field 9 out of range");
  w.src().eventTimeField = Amount;
  expectRejected(*w.program, "event-time field amount is float64, not a non-nullable timestamp");
  w.src().eventTimeField = TsField;
  w.src().schema[TsField].type = ty(TypeKind::Timestamp, true);
  expectRejected(*w.program, "event-time field ts is timestamp?");
}

TEST(WindowVerifierTest, TimeColumnInRangeAndATimestamp) {
  Windowed w = windowedProgram(WindowKind::Tumbling);
  w.agg().timeColumn = 5;
  expectRejected(*w.program, "time column $5 out of range (input has 5 columns)");
  w.agg().timeColumn = Amount;
  expectRejected(*w.program, "time column $3:amount is float64, not a non-nullable timestamp");
  w.agg().timeColumn = -1;
  expectRejected(*w.program, "time column $-1 out of range");
}

TEST(WindowVerifierTest, TtlNeedsATimeColumnAndNoWindow) {
  Windowed w = windowedProgram(WindowKind::None);
  w.agg().ttlMs = 1000;
  w.agg().timeColumn = -1;
  expectRejected(*w.program, "time column $-1 out of range");
  Windowed t = windowedProgram(WindowKind::Tumbling);
  t.agg().ttlMs = 1000;
  expectRejected(*t.program, "a windowed aggregate has no ttl");
}

TEST(WindowVerifierTest, HoppingSizeIsAMultipleOfTheSlide) {
  Windowed w = windowedProgram(WindowKind::Hopping);
  w.agg().window.slideMs = 70000;
  expectRejected(*w.program, "the hopping window's size 600000 ms is not a multiple of its slide 70000 ms");
  w.agg().window.slideMs = 0;
  expectRejected(*w.program, "the hopping window's slide is 0 ms, not positive");
}

TEST(WindowVerifierTest, DurationsArePositive) {
  Windowed t = windowedProgram(WindowKind::Tumbling);
  t.agg().window.sizeMs = t.agg().window.slideMs = 0;
  expectRejected(*t.program, "the tumbling window's size is 0 ms, not positive");
  Windowed s = windowedProgram(WindowKind::Session);
  s.agg().window.gapMs = -5;
  expectRejected(*s.program, "the session window's gap is -5 ms, not positive");
}

TEST(WindowVerifierTest, WindowBoundsFollowTheKeys) {
  Windowed w = windowedProgram(WindowKind::Session);
  w.agg().schema[2].name = "end";
  expectRejected(*w.program, "output column 2 must be window_end: timestamp, not end: timestamp");
  Windowed missing = windowedProgram(WindowKind::Tumbling);
  missing.agg().schema.erase(missing.agg().schema.begin() + 1, missing.agg().schema.begin() + 3);
  expectRejected(*missing.program, "the output has 3 columns for 1 keys and 2 window bounds and 2 aggregates");
}

TEST(WindowVerifierTest, RollingRowsAreTheInputRowAndTheAggregates) {
  Windowed w = windowedProgram(WindowKind::Rolling);
  w.agg().schema[Amount].type = I64;
  expectRejected(*w.program, "output column 3 (amount: int64) is not the rolling window's input column amount: float64");
  Windowed keysOnly = windowedProgram(WindowKind::Rolling);
  keysOnly.agg().schema = {{"user_id", I64}, {"n", I64}, {"total", F64}};
  expectRejected(*keysOnly.program, "the output has 3 columns for 5 input columns and 2 aggregates");
}

TEST(WindowVerifierTest, OnlyAggregatesHaveWindowsAndOnlySourcesEventTime) {
  Windowed w = windowedProgram(WindowKind::Tumbling);
  Node &sink = w.program->node(w.program->pipelines[0].nodes.back());
  sink.window.kind = WindowKind::Tumbling;
  sink.eventTimeField = 0;
  expectRejected(*w.program, "(sink): only an aggregate has a window, a time column or a ttl");
  expectRejected(*w.program, "(sink): only a source has an event-time field");
}

TEST(WindowVerifierTest, ApproxPercentileFractionInUnitInterval) {
  Windowed w = windowedProgram(WindowKind::Tumbling);
  Schema s = txnSchema();
  Node &n = w.agg();
  Type t = *checkAggregateCall(AggFn::ApproxPercentile, {F64, F64}).type;
  n.aggs.push_back(AggCall{AggFn::ApproxPercentile, col(s, Amount), t, "p", 0.5});
  n.schema.push_back({"p", t});
  w.program->node(w.program->pipelines[0].nodes.back()).schema = n.schema;
  EXPECT_EQ(verifyMessage(*w.program), "");
  n.aggs.back().param = 1.5;
  expectRejected(*w.program, "aggregate p: percentile 1.500000 is outside [0, 1]");
}

TEST(WindowVerifierTest, LateSinkNeedsAConnector) {
  Windowed w = windowedProgram(WindowKind::Tumbling);
  w.agg().window.lateToSink = true;
  expectRejected(*w.program, "the late sink has no connector kind");
  w.agg().window.lateSink = fileConnector("out/late.jsonl", "json");
  EXPECT_EQ(verifyMessage(*w.program), "");
}

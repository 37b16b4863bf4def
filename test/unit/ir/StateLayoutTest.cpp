#include "ProgramBuilders.h"

#include "ir/passes/Passes.h"

#include <gtest/gtest.h>

using namespace weir;
using namespace weir::ir;
using namespace weir::ir::test;

namespace {

void layout(Program &p) {
  ASSERT_FALSE(llvm::errorToBool(runStateLayout(p)));
  ASSERT_EQ(verifyMessage(p), "");
}

void expectSlot(const StateSlot &s, uint32_t offset, uint32_t size, int nullBit) {
  EXPECT_EQ(s.offset, offset);
  EXPECT_EQ(s.size, size);
  EXPECT_EQ(s.nullBit, nullBit);
}

} // namespace

TEST(StateLayoutTest, PerUser) {
  // key user_id: int64; n = count(), total = sum(amount), biggest = max(amount),
  // first_seen = min(ts), merchants = count_distinct(merchant). All slots are
  // 8 bytes, so declaration order: 16 user_id, 24 n, 32 total, 40 biggest,
  // 48 first_seen, 56 merchants (a set pointer). Null bits: total 0,
  // biggest 1, first_seen 2 -> one bitmap byte at 64; 65 rounds to 72.
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int agg = addPerUserPipeline(p, txns);
  layout(p);
  const StateLayout &l = p.node(agg).layout;
  EXPECT_EQ(l.headerSize, 16u);
  ASSERT_EQ(l.keySlots.size(), 1u);
  expectSlot(l.keySlots[0], 16, 8, -1);
  ASSERT_EQ(l.aggSlots.size(), 5u);
  expectSlot(l.aggSlots[0], 24, 8, -1);
  expectSlot(l.aggSlots[1], 32, 8, 0);
  expectSlot(l.aggSlots[2], 40, 8, 1);
  expectSlot(l.aggSlots[3], 48, 8, 2);
  expectSlot(l.aggSlots[4], 56, 8, -1);
  for (const StateSlot &aux : l.aggAuxSlots)
    EXPECT_EQ(aux.size, 0u);
  EXPECT_EQ(l.nullBitmapOffset, 64u);
  EXPECT_EQ(l.nullBitmapBytes, 1u);
  EXPECT_EQ(l.entrySize, 72u);
  EXPECT_EQ(l.outOfLineFields, 1u); // the distinct values
  ASSERT_EQ(l.fields.size(), 6u);
  EXPECT_EQ(l.fields[0].name, "key user_id");
  EXPECT_EQ(l.fields[2].name, "total: sum");
  EXPECT_EQ(l.fields[2].typeName, "float64");
  EXPECT_EQ(l.fields[5].name, "merchants: count_distinct");
  EXPECT_EQ(l.fields[5].typeName, "distinct");
  EXPECT_EQ(l.fields[5].offset, 56u);
  EXPECT_EQ(l.fields[0].nullBit, -1);
  EXPECT_EQ(l.fields[2].nullBit, 0);
  EXPECT_EQ(l.fields[4].nullBit, 2);
}

TEST(StateLayoutTest, StringsFirstThenEightThenOneByte) {
  // key by s: string?, b: bool | aggregate a = avg(x), f = first(flag), t = max(s)
  // 16-byte: s 16..32, t 32..48; 8-byte: a.sum 48, a.count 56;
  // 1-byte: key b 64, f 65. Null bits in declaration order: s 0, a 1, f 2, t 3.
  // Bitmap at 66, 1 byte; 67 rounds to 72.
  Program p;
  Schema s = {{"s", ty(TypeKind::String, true)}, {"b", Bool}, {"x", I64}, {"flag", Bool}};
  int src = addSource(p, "src", s);
  std::vector<Agg> aggs;
  aggs.push_back({AggFn::Avg, col(s, 2), "a"});
  aggs.push_back({AggFn::First, col(s, 3), "f"});
  aggs.push_back({AggFn::Max, col(s, 0), "t"});
  int agg = addAggregate(p, src, {"s", "b"}, list(col(s, 0), col(s, 1)), std::move(aggs));
  addPipeline(p, "p", addSink(p, agg, "p"));
  layout(p);
  const StateLayout &l = p.node(agg).layout;
  expectSlot(l.keySlots[0], 16, 16, 0);
  expectSlot(l.keySlots[1], 64, 1, -1);
  expectSlot(l.aggSlots[0], 48, 8, 1);
  expectSlot(l.aggAuxSlots[0], 56, 8, -1);
  expectSlot(l.aggSlots[1], 65, 1, 2);
  expectSlot(l.aggSlots[2], 32, 16, 3);
  EXPECT_EQ(l.aggAuxSlots[1].size, 0u);
  EXPECT_EQ(l.nullBitmapOffset, 66u);
  EXPECT_EQ(l.nullBitmapBytes, 1u);
  EXPECT_EQ(l.entrySize, 72u);
  EXPECT_EQ(l.outOfLineFields, 2u);
  std::vector<std::string> names;
  for (const StateField &f : l.fields)
    names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"key s", "t: max", "a: avg.sum", "a: avg.count",
                                             "key b", "f: first"}));
}

TEST(StateLayoutTest, NineNullableSlotsTakeTwoBitmapBytes) {
  Program p;
  Schema s = {{"k", I64}, {"v", F64}};
  int src = addSource(p, "src", s);
  std::vector<Agg> aggs;
  for (int i = 0; i < 9; ++i)
    aggs.push_back({AggFn::Sum, col(s, 1), "s" + std::to_string(i)});
  int agg = addAggregate(p, src, {"k"}, list(col(s, 0)), std::move(aggs));
  addPipeline(p, "p", addSink(p, agg, "p"));
  layout(p);
  const StateLayout &l = p.node(agg).layout;
  // 16 + 8 key + 9 * 8 sums = 96; 2 bitmap bytes -> 98 -> 104
  EXPECT_EQ(l.nullBitmapOffset, 96u);
  EXPECT_EQ(l.nullBitmapBytes, 2u);
  EXPECT_EQ(l.entrySize, 104u);
  EXPECT_EQ(l.aggSlots[8].nullBit, 8);
}

TEST(StateLayoutTest, TableStoresOnlyUsedColumns) {
  // merchants { name: string, category: string, risk: float64 }, with
  // name and risk used: name 16..32, risk 32..40, no nullable column -> 40.
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int merchants = addSource(p, "merchants", merchantSchema(), true);
  p.node(merchants).usedFields = {0, 2};
  addByCategoryPipeline(p, txns, merchants);
  layout(p);
  const StateLayout &l = p.node(merchants).layout;
  ASSERT_EQ(l.keySlots.size(), 3u);
  expectSlot(l.keySlots[0], 16, 16, -1);
  expectSlot(l.keySlots[1], 0, 0, -1);
  expectSlot(l.keySlots[2], 32, 8, -1);
  EXPECT_TRUE(l.aggSlots.empty());
  EXPECT_EQ(l.nullBitmapBytes, 0u);
  EXPECT_EQ(l.entrySize, 40u);
  EXPECT_EQ(l.outOfLineFields, 1u);
}

TEST(StateLayoutTest, ByCategoryWithNullableTableColumn) {
  // key user_id: int64, category: string; n count, total sum(amount), max_risk max(risk)
  // category 16..32; user_id 32, n 40, total 48, max_risk 56; bits total 0,
  // max_risk 1; bitmap at 64 -> 72.
  Program p;
  int txns = addSource(p, "txns", txnSchema());
  int merchants = addSource(p, "merchants", merchantSchema(), true);
  p.node(merchants).schema[2].type = ty(TypeKind::Float64, true); // risk: float64?
  int agg = addByCategoryPipeline(p, txns, merchants);
  layout(p);
  const StateLayout &a = p.node(agg).layout;
  expectSlot(a.keySlots[0], 32, 8, -1);
  expectSlot(a.keySlots[1], 16, 16, -1);
  expectSlot(a.aggSlots[0], 40, 8, -1);
  expectSlot(a.aggSlots[1], 48, 8, 0);
  expectSlot(a.aggSlots[2], 56, 8, 1);
  EXPECT_EQ(a.entrySize, 72u);
  // The table: name 16..32, category 32..48, risk 48..56 with bit 0; bitmap at 56 -> 64.
  const StateLayout &t = p.node(merchants).layout;
  expectSlot(t.keySlots[2], 48, 8, 0);
  EXPECT_EQ(t.nullBitmapOffset, 56u);
  EXPECT_EQ(t.entrySize, 64u);
}

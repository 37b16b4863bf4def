// weir_cursor_next_batch over the generator sources (runtime/src/Cursor.cpp,
// runtime/src/generators/): a batch holds exactly the records one-at-a-time
// decoding gives, in order, up to the end of the stream; a cursor with a
// checkpoint hook hands out one record a call, reaching the hook between
// records as before.
#include "runtime/src/Cursor.h"
#include "runtime/src/generators/GeneratorSource.h"
#include "weir/runtime.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace weir::rt;

namespace {

// The declared fields, in the order of the row; `used` the ones read.
struct Schema {
  std::vector<WeirFieldDesc> fields;
  std::vector<uint32_t> used;
  SchemaView view() const {
    return {static_cast<uint32_t>(fields.size()), fields.data(), static_cast<uint32_t>(used.size()), used.data()};
  }
};

std::unique_ptr<GeneratorSource> open(const std::string &uri, const Schema &schema) {
  std::unique_ptr<GeneratorSource> source;
  Status s = openGenerator(uri, schema.view(), source);
  EXPECT_TRUE(s.ok()) << s.message();
  return source;
}

// A record's used values as text, to compare records.
std::string text(const WeirValue *row, const Schema &schema) {
  std::string out;
  for (uint32_t i : schema.used) {
    const WeirValue &v = row[i];
    out += schema.fields[i].type == WEIR_STRING ? std::string(v.v.str, v.len) : std::to_string(v.v.i64);
    out += '|';
  }
  return out;
}

// Every record, one next() call each.
std::vector<std::string> oneByOne(const GeneratorSource &source, const Schema &schema) {
  std::unique_ptr<GeneratorDecoder> d = source.makeDecoder();
  std::vector<WeirValue> row(schema.fields.size());
  std::vector<std::string> out;
  while (d->next(row.data()) == DecodeOutcome::Row)
    out.push_back(text(row.data(), schema));
  return out;
}

// Every record through a cursor's batches of at most `max`; `sizes` gets
// each batch's size.
std::vector<std::string> batched(const GeneratorSource &source, const Schema &schema, uint32_t max,
                                 std::vector<int64_t> &sizes, ConsistentPointHook *hook = nullptr) {
  CursorSource where{"bids", "generator", {}};
  ErrorSlot error;
  WeirCursor cursor(where, source.makeDecoder(), ByteRange{}, error);
  cursor.hook = hook;
  cursor.hookCountdown = hook ? 1 : 0;
  uint32_t width = static_cast<uint32_t>(schema.fields.size());
  std::vector<WeirValue> rows(static_cast<size_t>(width) * max);
  std::vector<std::string> out;
  for (;;) {
    int64_t n = weir_cursor_next_batch(&cursor, rows.data(), width, max);
    EXPECT_GE(n, 0);
    if (n <= 0)
      break;
    sizes.push_back(n);
    for (int64_t k = 0; k < n; ++k)
      out.push_back(text(&rows[static_cast<size_t>(k) * width], schema));
  }
  EXPECT_EQ(cursor.recordsRead, out.size());
  return out;
}

// Counts its calls; wants to be called before every record.
struct EveryRecord final : ConsistentPointHook {
  WeirStatus reached(WeirCursor &cursor) override {
    ++calls;
    cursor.hookCountdown = 1;
    return WEIR_OK;
  }
  uint64_t calls = 0;
};

} // namespace

TEST(GeneratorBatch, BidsAreTheRecordsOfOneAtATimeDecoding) {
  // All seven bid fields, declared in another order than the generator's,
  // then two of them.
  Schema all{{{"extra", WEIR_STRING, 0}, {"price", WEIR_INT64, 0}, {"auction", WEIR_INT64, 0},
              {"date_time", WEIR_TIMESTAMP, 0}, {"bidder", WEIR_INT64, 0}, {"url", WEIR_STRING, 0},
              {"channel", WEIR_STRING, 0}},
             {0, 1, 2, 3, 4, 5, 6}};
  Schema two{all.fields, {2, 3}};
  for (const Schema *schema : {&all, &two}) {
    // 1003 events of the full stream: 920 bids (46 of every 50; events
    // 1000 to 1002 are a person and two auctions).
    auto source = open("generator:nexmark_bids?events=1003&seed=5", *schema);
    std::vector<std::string> expected = oneByOne(*source, *schema);
    ASSERT_EQ(expected.size(), 920u);
    std::vector<int64_t> sizes;
    EXPECT_EQ(batched(*source, *schema, 256, sizes), expected);
    EXPECT_EQ(sizes, (std::vector<int64_t>{256, 256, 256, 152}));
  }
}

TEST(GeneratorBatch, YsbEventsAreTheRecordsOfOneAtATimeDecoding) {
  Schema schema{{{"ad_id", WEIR_INT64, 0}, {"event_type", WEIR_STRING, 0}, {"event_time", WEIR_TIMESTAMP, 0},
                 {"ip_address", WEIR_STRING, 0}, {"user_id", WEIR_INT64, 0}},
                {0, 1, 2, 3, 4}};
  auto source = open("generator:ysb?events=1000&rate=1000", schema);
  std::vector<std::string> expected = oneByOne(*source, schema);
  ASSERT_EQ(expected.size(), 1000u);
  std::vector<int64_t> sizes;
  EXPECT_EQ(batched(*source, schema, 300, sizes), expected);
  EXPECT_EQ(sizes, (std::vector<int64_t>{300, 300, 300, 100}));
}

TEST(GeneratorBatch, AHookedCursorHandsOutOneRecordACall) {
  Schema schema{{{"auction", WEIR_INT64, 0}}, {0}};
  auto source = open("generator:nexmark_bids?events=100", schema);
  std::vector<std::string> expected = oneByOne(*source, schema);
  EveryRecord hook;
  std::vector<int64_t> sizes;
  EXPECT_EQ(batched(*source, schema, 64, sizes, &hook), expected);
  EXPECT_EQ(sizes, std::vector<int64_t>(expected.size(), 1));
  EXPECT_GE(hook.calls, expected.size()); // before every record
}

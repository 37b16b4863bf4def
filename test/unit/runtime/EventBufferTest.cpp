// WeirEventBuffer (runtime/src/EventBuffer.cpp): the ring of rows in event-time
// order and the indexes of the sliding accumulator kept beside them, which
// must follow the rows through growth, inserts and evictions (or be marked
// for a rebuild), and a checkpoint round trip that drops the accumulator.
#include "runtime/src/EventBuffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

uint64_t add(WeirEventBuffer **buf, int64_t ts, const char *text = "") {
  WeirValue row[2] = {};
  row[0].v.i64 = ts * 10;
  row[1].v.str = text;
  row[1].len = static_cast<int64_t>(std::strlen(text));
  return weir_event_buffer_add(buf, ts, row, 2);
}

std::vector<int64_t> times(const WeirEventBuffer *buf) {
  std::vector<int64_t> out;
  for (uint64_t i = 0; i < weir_event_buffer_size(buf); ++i)
    out.push_back(weir_event_buffer_ts(buf, i));
  return out;
}

TEST(EventBuffer, KeepsEventTimeOrderThroughGrowthAndInserts) {
  WeirEventBuffer *buf = nullptr;
  for (int64_t t = 0; t < 20; t += 2)
    add(&buf, t);
  EXPECT_EQ(add(&buf, 5, "late-ish"), 3u); // after 0 2 4
  EXPECT_EQ(add(&buf, 4, "tie"), 3u);      // equal times keep arrival order
  EXPECT_EQ(times(buf), (std::vector<int64_t>{0, 2, 4, 4, 5, 6, 8, 10, 12, 14, 16, 18}));
  const WeirValue *row = weir_event_buffer_row(buf, 3);
  EXPECT_EQ(row[0].v.i64, 40);
  EXPECT_EQ(std::string(row[1].v.str, row[1].len), "tie");
  EXPECT_EQ(weir_event_buffer_lower(buf, 4), 2u);
  EXPECT_EQ(weir_event_buffer_upper(buf, 4), 4u);
  weir_event_buffer_free(&buf);
  EXPECT_EQ(buf, nullptr);
}

TEST(EventBuffer, EvictionShiftsTheWindowOrInvalidatesIt) {
  WeirEventBuffer *buf = nullptr;
  for (int64_t t = 0; t < 10; ++t)
    add(&buf, t);
  weir_event_buffer_set_emitted(buf, 10);
  WeirRollingWindow *w = weir_event_buffer_window(buf, 16);
  EXPECT_EQ(w->valid, 0u); // new: rebuild from the rows
  *w = WeirRollingWindow{4, 6, 9, 1};
  std::memset(weir_event_buffer_suffix(buf, 5), 0x5a, 16);
  weir_event_buffer_evict(buf, 3); // rows 0 1 2 go, all before lo
  EXPECT_EQ(w->valid, 1u);
  EXPECT_EQ(w->lo, 1u);
  EXPECT_EQ(w->mid, 3u);
  EXPECT_EQ(w->hi, 6u);
  EXPECT_EQ(static_cast<unsigned char *>(weir_event_buffer_suffix(buf, 2))[15], 0x5a); // moved with its row
  for (int64_t t = 10; t < 40; ++t) // grows the ring: suffix slices keep their rows
    add(&buf, t);
  EXPECT_EQ(w->valid, 1u);
  EXPECT_EQ(static_cast<unsigned char *>(weir_event_buffer_suffix(buf, 2))[0], 0x5a);
  weir_event_buffer_evict(buf, 5); // rows 3 4 go: 4 is the window's lo, a front row
  EXPECT_EQ(w->valid, 1u);          // the other front rows' suffixes still hold
  EXPECT_EQ(w->lo, 0u);
  EXPECT_EQ(w->mid, 1u);
  EXPECT_EQ(w->hi, 4u);
  weir_event_buffer_evict(buf, 7); // rows 5 6 go: 6 was folded into the back
  EXPECT_EQ(w->valid, 0u);
  weir_event_buffer_free(&buf);
}

TEST(EventBuffer, InsertAmongPrefixesLowersHi) {
  WeirEventBuffer *buf = nullptr;
  for (int64_t t = 0; t < 10; ++t)
    add(&buf, t * 10);
  WeirRollingWindow *w = weir_event_buffer_window(buf, 8);
  // Emit updates: front [2, 4), back [4, 8) with a prefix slice per row.
  *w = WeirRollingWindow{2, 4, 8, WEIR_ROLLING_PREFIXES};
  add(&buf, 55); // lands at 6: the prefixes of rows 4 and 5 hold, the rest refold
  EXPECT_EQ(w->valid, WEIR_ROLLING_PREFIXES);
  EXPECT_EQ(w->hi, 6u);
  EXPECT_EQ(w->mid, 4u);
  add(&buf, 25); // lands at 3, inside the front: rebuild
  EXPECT_EQ(w->valid, 0u);
  weir_event_buffer_free(&buf);
}

TEST(EventBuffer, InsertInsideTheWindowInvalidatesIt) {
  WeirEventBuffer *buf = nullptr;
  for (int64_t t = 0; t < 10; ++t)
    add(&buf, t * 10);
  WeirRollingWindow *w = weir_event_buffer_window(buf, 8);
  *w = WeirRollingWindow{2, 4, 7, 1};
  add(&buf, 75); // lands at 8, after hi: the window is untouched
  EXPECT_EQ(w->valid, 1u);
  EXPECT_EQ(w->hi, 7u);
  add(&buf, 55); // lands at 6, inside [lo, hi)
  EXPECT_EQ(w->valid, 0u);
  weir_event_buffer_free(&buf);
}

TEST(EventBuffer, CheckpointKeepsRowsNotTheWindow) {
  WeirEventBuffer *buf = nullptr;
  add(&buf, 1, "a");
  add(&buf, 2, "bc");
  weir_event_buffer_set_emitted(buf, 1);
  *weir_event_buffer_window(buf, 8) = WeirRollingWindow{0, 1, 2, 1};
  std::string bytes = weir::rt::serializeEventBuffer(buf);
  WeirEventBuffer *back = weir::rt::deserializeEventBuffer(bytes);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(times(back), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(weir_event_buffer_emitted(back), 1u);
  const WeirValue *row = weir_event_buffer_row(back, 1);
  EXPECT_EQ(std::string(row[1].v.str, row[1].len), "bc");
  EXPECT_EQ(weir_event_buffer_window(back, 8)->valid, 0u);
  weir_event_buffer_free(&buf);
  weir_event_buffer_free(&back);
}

} // namespace

// Generated code reads the buffer over its ABI layout (runtime.h;
// codegen/EventBufferCodegen.cpp) instead of calling the accessors: the
// header's count and emitted, row i's time and values in slot
// (head + i) & mask after the header, its suffix slice at the same position.
// Checked against the accessors with the ring wrapped around and grown.
TEST(EventBuffer, LayoutIsWhatGeneratedCodeReads) {
  WeirEventBuffer *buf = nullptr;
  for (int64_t t = 0; t < 3; ++t)
    add(&buf, t);
  weir_event_buffer_set_emitted(buf, 3);
  weir_event_buffer_window(buf, 16);
  weir_event_buffer_evict(buf, 2); // head moves: later rows wrap around
  for (int64_t t = 3; t < 13; ++t) // and the ring grows (and moves)
    add(&buf, t, t % 2 ? "odd" : "");
  add(&buf, 7, "inserted");
  ASSERT_NE(buf, nullptr);
  EXPECT_EQ(buf->count, weir_event_buffer_size(buf));
  EXPECT_EQ(buf->emitted, weir_event_buffer_emitted(buf));
  EXPECT_EQ(buf->slice_bytes, 16u);
  EXPECT_EQ(buf->mask & (buf->mask + 1), 0u) << "a power of two";
  const auto *slots = reinterpret_cast<const WeirEventSlot *>(reinterpret_cast<const char *>(buf) +
                                                               sizeof(WeirEventBuffer));
  for (uint64_t i = 0; i < buf->count; ++i) {
    const WeirEventSlot &slot = slots[(buf->head + i) & buf->mask];
    EXPECT_EQ(slot.ts, weir_event_buffer_ts(buf, i)) << i;
    EXPECT_EQ(slot.row, weir_event_buffer_row(buf, i)) << i;
    EXPECT_EQ(slot.ncols, 2u);
    EXPECT_EQ(static_cast<void *>(buf->suffixes + ((buf->head + i) & buf->mask) * buf->slice_bytes),
              weir_event_buffer_suffix(buf, i));
  }
  EXPECT_EQ(std::string(weir_event_buffer_row(buf, 6)[1].v.str, 8), "inserted");
  weir_event_buffer_free(&buf);
}

// A buffer freed back to the pool comes out empty for the next key, with an
// accumulator to rebuild; one made for another slice size is replaced.
TEST(EventBuffer, PooledBufferStartsEmpty) {
  WeirEventBuffer *buf = nullptr;
  for (int64_t t = 0; t < 9; ++t)
    add(&buf, t);
  *weir_event_buffer_window(buf, 8) = WeirRollingWindow{1, 2, 3, 1};
  weir_event_buffer_free(&buf);
  add(&buf, 100, "next key");
  EXPECT_EQ(times(buf), (std::vector<int64_t>{100}));
  EXPECT_EQ(weir_event_buffer_emitted(buf), 0u);
  EXPECT_EQ(weir_event_buffer_window(buf, 8)->valid, 0u);
  EXPECT_EQ(weir_event_buffer_window(buf, 24)->valid, 0u);
  EXPECT_EQ(buf->slice_bytes, 24u);
  weir_event_buffer_free(&buf);
}

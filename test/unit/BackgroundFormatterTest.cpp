// A sink writer that formats in the background (--threads 2) must write the
// same bytes as one that formats on the pipeline's thread, at every flush,
// and must pass on an output's failure.
#include "RuntimeTestUtil.h"
#include "runtime/src/SinkWriter.h"

#include <string>
#include <vector>

using namespace weir::rt;
using namespace weir::rt::test;

namespace {

const WeirFieldDesc kFields[] = {{"s", WEIR_STRING, 1}, {"i", WEIR_INT64, 1}, {"f", WEIR_FLOAT64, 1},
                                 {"t", WEIR_TIMESTAMP, 1}, {"u", WEIR_STRING, 1}};
const WeirSinkDesc kSink = {"out", "stdout:", "json", 5, kFields};

// Row k of a deterministic mix: short, empty, escaped and long (larger than
// a block's string room) strings and nulls. The strings live in `scratch`,
// which the next row overwrites, as a decoder's buffer would be.
void makeRow(uint32_t k, std::string &scratch, std::string &other, WeirValue row[5]) {
  scratch = "user-" + std::to_string(k * 7919 % 1000);
  if (k % 11 == 0)
    scratch += "\"quoted\\\n";
  if (k % 4999 == 0)
    scratch.append(300 << 10, static_cast<char>('a' + k % 26));
  other = k % 3 == 0 ? "" : std::string(k % 40, 'x');
  for (int f = 0; f < 5; ++f)
    row[f] = WeirValue{};
  row[0].v.str = scratch.data();
  row[0].len = static_cast<uint32_t>(scratch.size());
  row[1].v.i64 = static_cast<int64_t>(k) * 1000003 - 5000;
  row[2].v.f64 = k * 0.25;
  row[3].v.i64 = 1704067200000 + static_cast<int64_t>(k) * 1777;
  row[4].v.str = other.data();
  row[4].len = static_cast<uint32_t>(other.size());
  if (k % 13 == 0)
    row[1].is_null = 1;
  if (k % 17 == 0)
    row[4].is_null = 1;
}

// Writes rows [0, n), flushing after each row in `flushAfter`; returns the
// output's text after each of those flushes and at the end.
std::vector<std::string> writeAll(SinkFormat format, bool background, uint32_t n,
                                  const std::vector<uint32_t> &flushAfter) {
  FormatterThread thread;
  StringOutput out;
  WeirSinkWriter w(kSink, format, &out);
  w.flushThreshold = 4096; // many writes from the formatter thread
  w.writeHeader();
  if (background)
    EXPECT_TRUE(w.formatInBackground(thread));
  std::vector<std::string> seen;
  std::string scratch, other;
  WeirValue row[5];
  for (uint32_t k = 0; k < n; ++k) {
    makeRow(k, scratch, other, row);
    EXPECT_EQ(w.write(row), WEIR_OK);
    for (uint32_t at : flushAfter)
      if (at == k) {
        EXPECT_EQ(w.flush(), WEIR_OK);
        seen.push_back(out.text);
      }
  }
  EXPECT_EQ(w.flush(), WEIR_OK);
  EXPECT_EQ(w.rows, n);
  seen.push_back(out.text);
  return seen;
}

TEST(BackgroundFormatter, WritesWhatTheSameThreadWouldAtEveryFlush) {
  const std::vector<uint32_t> flushes = {0, 1, 2047, 2048, 2049, 9998, 15000};
  for (SinkFormat format : {SinkFormat::Json, SinkFormat::Csv}) {
    std::vector<std::string> inline_ = writeAll(format, false, 20000, flushes);
    std::vector<std::string> background = writeAll(format, true, 20000, flushes);
    ASSERT_EQ(inline_.size(), flushes.size() + 1);
    ASSERT_EQ(background.size(), inline_.size());
    for (size_t i = 0; i < inline_.size(); ++i)
      EXPECT_TRUE(background[i] == inline_[i]) << "after flush " << i << ", format "
                                               << static_cast<int>(format);
    EXPECT_GT(inline_.back().size(), 1u << 20); // the four long strings are in it
  }
}

// One thread serves every sink of a run: rows handed to two sinks in turn
// come out of each as its own inline writer writes them.
TEST(BackgroundFormatter, SinksSharingTheThreadKeepTheirOwnOrder) {
  FormatterThread thread;
  StringOutput outA, outB, inlineA, inlineB;
  WeirSinkWriter a(kSink, SinkFormat::Json, &outA), b(kSink, SinkFormat::Csv, &outB);
  WeirSinkWriter refA(kSink, SinkFormat::Json, &inlineA), refB(kSink, SinkFormat::Csv, &inlineB);
  for (WeirSinkWriter *w : {&a, &b, &refA, &refB})
    w->flushThreshold = 2048;
  ASSERT_TRUE(a.formatInBackground(thread));
  ASSERT_TRUE(b.formatInBackground(thread));
  std::string scratch, other;
  WeirValue row[5];
  for (uint32_t k = 0; k < 30000; ++k) {
    makeRow(k, scratch, other, row);
    WeirSinkWriter &w = k % 3 == 0 ? b : a, &ref = k % 3 == 0 ? refB : refA;
    ASSERT_EQ(w.write(row), WEIR_OK);
    ASSERT_EQ(ref.write(row), WEIR_OK);
    if (k == 12345) { // one sink flushed while the other's blocks are queued
      ASSERT_EQ(a.flush(), WEIR_OK);
      ASSERT_EQ(refA.flush(), WEIR_OK);
      EXPECT_TRUE(outA.text == inlineA.text);
    }
  }
  for (WeirSinkWriter *w : {&a, &b, &refA, &refB})
    ASSERT_EQ(w->flush(), WEIR_OK);
  EXPECT_TRUE(outA.text == inlineA.text);
  EXPECT_TRUE(outB.text == inlineB.text);
  EXPECT_GT(outB.text.size(), 100000u);
}

// Fails every write after the first `okWrites`.
class FailingOutput final : public Output {
public:
  explicit FailingOutput(int okWrites) : left_(okWrites) {}
  Status write(const char *, size_t n) override {
    if (left_-- > 0) {
      written += n;
      return {};
    }
    return Status::io("disk full");
  }
  size_t written = 0;

private:
  int left_;
};

TEST(BackgroundFormatter, PassesOnTheOutputsFailure) {
  FormatterThread thread;
  FailingOutput out(2);
  WeirSinkWriter w(kSink, SinkFormat::Json, &out);
  w.flushThreshold = 1024;
  ASSERT_TRUE(w.formatInBackground(thread));
  std::string scratch, other;
  WeirValue row[5];
  WeirStatus last = WEIR_OK;
  for (uint32_t k = 0; k < 100000 && last == WEIR_OK; ++k) {
    makeRow(k, scratch, other, row);
    last = w.write(row);
  }
  EXPECT_EQ(last, WEIR_ERR_IO); // a later write sees the formatter's failure
  EXPECT_EQ(w.flush(), WEIR_ERR_IO);
  EXPECT_NE(w.error.message().find("disk full"), std::string::npos) << w.error.message();
  EXPECT_NE(w.error.message().find("sink out"), std::string::npos) << w.error.message();
}

} // namespace

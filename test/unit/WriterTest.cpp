#include "RuntimeTestUtil.h"
#include "runtime/src/SinkWriter.h"

#include <cmath>
#include <limits>

using namespace weir::rt;
using namespace weir::rt::test;

namespace {

const WeirFieldDesc kFields[] = {{"s", WEIR_STRING, 1},    {"i", WEIR_INT64, 1},
                                 {"f", WEIR_FLOAT64, 1},   {"t", WEIR_TIMESTAMP, 1},
                                 {"d", WEIR_DURATION, 1},  {"b", WEIR_BOOL, 1}};
const WeirSinkDesc kSink = {"out", "stdout:", "json", 6, kFields};

WeirValue str(const char *s, size_t n) {
  WeirValue v{};
  v.v.str = s;
  v.len = static_cast<uint32_t>(n);
  return v;
}
WeirValue i64(int64_t x) {
  WeirValue v{};
  v.v.i64 = x;
  return v;
}
WeirValue f64(double x) {
  WeirValue v{};
  v.v.f64 = x;
  return v;
}
WeirValue boolean(bool x) {
  WeirValue v{};
  v.v.b = x;
  return v;
}
WeirValue null() {
  WeirValue v{};
  v.is_null = 1;
  return v;
}

std::string writeRows(SinkFormat format, const std::vector<std::vector<WeirValue>> &rows) {
  StringOutput out;
  WeirSinkWriter w(kSink, format, &out);
  w.writeHeader();
  for (const auto &row : rows)
    EXPECT_EQ(w.write(row.data()), WEIR_OK);
  EXPECT_EQ(w.flush(), WEIR_OK);
  EXPECT_EQ(w.rows, rows.size());
  return out.text;
}

TEST(JsonWriter, FormatsEveryTypeAndEscapes) {
  const char s[] = "q\"b\\n\nt\t\x01\xC3\xA9";
  std::string text = writeRows(
      SinkFormat::Json,
      {{str(s, sizeof s - 1), i64(-42), f64(1.0), i64(1704067200000), i64(1500), boolean(true)},
       {null(), null(), null(), null(), null(), null()},
       {str("", 0), i64(0), f64(0.1), i64(-1), i64(0), boolean(false)},
       {str("x", 1), i64(1), f64(1e21), i64(0), i64(0), boolean(false)},
       {str("x", 1), i64(1), f64(std::nan("")), i64(0), i64(0), boolean(false)},
       {str("x", 1), i64(1), f64(-std::numeric_limits<double>::infinity()), i64(0), i64(0),
        boolean(false)}});
  EXPECT_EQ(text,
            "{\"s\":\"q\\\"b\\\\n\\nt\\t\\u0001\xC3\xA9\",\"i\":-42,\"f\":1.0,\"t\":\"2024-01-01T00:"
            "00:00.000Z\",\"d\":1500,\"b\":true}\n"
            "{\"s\":null,\"i\":null,\"f\":null,\"t\":null,\"d\":null,\"b\":null}\n"
            "{\"s\":\"\",\"i\":0,\"f\":0.1,\"t\":\"1969-12-31T23:59:59.999Z\",\"d\":0,\"b\":false}\n"
            "{\"s\":\"x\",\"i\":1,\"f\":1e+21,\"t\":\"1970-01-01T00:00:00.000Z\",\"d\":0,\"b\":false}\n"
            "{\"s\":\"x\",\"i\":1,\"f\":null,\"t\":\"1970-01-01T00:00:00.000Z\",\"d\":0,\"b\":false}\n"
            "{\"s\":\"x\",\"i\":1,\"f\":null,\"t\":\"1970-01-01T00:00:00.000Z\",\"d\":0,\"b\":false}\n");
}

TEST(JsonWriter, FloatsRoundTripShortest) {
  for (double v : {0.1, 1.0 / 3.0, 123456789.125, 5e-324, 1.7976931348623157e308, -0.0, 100.0}) {
    std::string text = writeRows(SinkFormat::Json, {{null(), null(), f64(v), null(), null(), null()}});
    size_t at = text.find("\"f\":") + 4;
    std::string num = text.substr(at, text.find(',', at) - at);
    EXPECT_EQ(std::strtod(num.c_str(), nullptr), v) << num;
    EXPECT_NE(num.find_first_of(".e"), std::string::npos) << num;
  }
}

TEST(CsvWriter, HeaderQuotingAndNullVersusEmpty) {
  std::string text = writeRows(
      SinkFormat::Csv,
      {{str("a,b", 3), i64(1), f64(2.0), i64(0), i64(5), boolean(true)},
       {str("say \"hi\"", 8), null(), null(), null(), null(), null()},
       {str("", 0), i64(-3), f64(0.5), i64(1704067200000), i64(0), boolean(false)},
       {str("two\nlines", 9), i64(0), f64(1e-7), i64(0), i64(0), boolean(false)}});
  EXPECT_EQ(text, "s,i,f,t,d,b\n"
                  "\"a,b\",1,2.0,1970-01-01T00:00:00.000Z,5,true\n"
                  "\"say \"\"hi\"\"\",,,,,\n"
                  "\"\",-3,0.5,2024-01-01T00:00:00.000Z,0,false\n"
                  "\"two\nlines\",0,1e-07,1970-01-01T00:00:00.000Z,0,false\n");
}

TEST(CsvWriter, OutputReadsBackThroughTheCsvDecoder) {
  std::string text = writeRows(
      SinkFormat::Csv, {{str("a,\"b\"\nc", 7), i64(7), f64(0.25), i64(86400000), i64(60000), boolean(true)},
                        {str("", 0), null(), null(), null(), null(), null()}});
  std::vector<WeirFieldDesc> fields(kFields, kFields + 6);
  Decoded d = decodeAll(text, Format::Csv, fields, allFields(6));
  EXPECT_EQ(d.status, WEIR_END) << d.error;
  EXPECT_EQ(d.rows, (std::vector<std::string>{
                        "\"a,\"b\"\nc\"|7|0.25|@1970-01-02T00:00:00.000Z|60000ms|true",
                        "\"\"|null|null|null|null|null"}));
}

TEST(SinkWriter, FlushesWhenTheBufferIsFull) {
  StringOutput out;
  WeirSinkWriter w(kSink, SinkFormat::Json, &out);
  w.flushThreshold = 100;
  std::vector<WeirValue> row = {str("abc", 3), i64(1), f64(1), i64(0), i64(0), boolean(true)};
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(w.write(row.data()), WEIR_OK);
  EXPECT_FALSE(out.text.empty()); // flushed on its own
  EXPECT_LT(w.buffer.size(), 100u + 100u);
  ASSERT_EQ(w.flush(), WEIR_OK);
  size_t lines = static_cast<size_t>(std::count(out.text.begin(), out.text.end(), '\n'));
  EXPECT_EQ(lines, 10u);
}

} // namespace

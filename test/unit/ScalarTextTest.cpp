// One scalar text rule (common/ScalarText.h) for the CSV and JSON decoders,
// the sink writers and the string casts: every value written by a sink reads
// back through both decoders and through the casts as itself, and every text
// reads the same through a CSV field, a JSON timestamp string and a cast.
#include "RuntimeTestUtil.h"
#include "common/ScalarText.h"
#include "runtime/src/Arena.h"
#include "runtime/src/SinkWriter.h"
#include "runtime/src/ValueText.h"

#include <cmath>
#include <limits>

using namespace weir::rt;
using namespace weir::rt::test;

namespace {

// A row of two nullable fields, `x` of `type` and `k`, an int64 1, written
// by a sink, as the file's text. (`k` keeps a null `x` from making a blank
// line, which CSV readers skip.)
std::string writeOne(SinkFormat format, uint8_t type, const WeirValue &v) {
  WeirFieldDesc fields[] = {{"x", type, 1}, {"k", WEIR_INT64, 1}};
  WeirSinkDesc sink{"out", "stdout:", format == SinkFormat::Csv ? "csv" : "json", 2, fields};
  WeirValue row[2] = {v, {}};
  row[1].v.i64 = 1;
  StringOutput out;
  WeirSinkWriter w(sink, format, &out);
  w.writeHeader();
  EXPECT_EQ(w.write(row), WEIR_OK);
  EXPECT_EQ(w.flush(), WEIR_OK);
  return out.text;
}

// The field `x` of a one-row file decoded, shown by showValue, or "bad".
std::string readOne(const std::string &content, Format format, uint8_t type, bool nullable) {
  std::vector<WeirFieldDesc> fields{{"x", type, static_cast<uint8_t>(nullable)}};
  Decoded d = decodeAll(content, format, fields, {0});
  if (d.status != WEIR_END || d.rows.size() != 1)
    return "bad";
  return d.rows[0];
}

std::string csvQuoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"')
      out += '"';
    out += c;
  }
  return out + "\"";
}

// The text through a (non-nullable) CSV field.
std::string viaCsv(uint8_t type, std::string_view text) {
  return readOne("x\n" + csvQuoted(text) + "\n", Format::Csv, type, false);
}

// The text through the cast the language has for `type` (duration has no
// string cast: its text is read by the layer itself).
std::string viaCast(uint8_t type, std::string_view text) {
  WeirValue v{};
  bool ok = false;
  const char *p = text.data();
  int64_t n = static_cast<int64_t>(text.size());
  switch (type) {
  case WEIR_BOOL: ok = weir_str_to_bool(p, n, &v.v.b); break;
  case WEIR_INT64: ok = weir_str_to_i64(p, n, &v.v.i64); break;
  case WEIR_FLOAT64: ok = weir_str_to_f64(p, n, &v.v.f64); break;
  case WEIR_TIMESTAMP: ok = weir_str_to_ts(p, n, &v.v.i64); break;
  case WEIR_DURATION: ok = parseDurationText(text, v.v.i64); break;
  case WEIR_STRING:
    v.v.str = p;
    v.len = static_cast<uint32_t>(n);
    ok = true;
    break;
  }
  return ok ? showValue(v, type) : "bad";
}

// string(v): what the generated code makes of a value (bool is a constant
// "true"/"false" in the generated code; strings are themselves).
std::string castToString(uint8_t type, const WeirValue &v) {
  WeirArena scratch;
  WeirArena *arena = &scratch;
  WeirStr s{nullptr, 0};
  switch (type) {
  case WEIR_BOOL: s = v.v.b ? WeirStr{"true", 4} : WeirStr{"false", 5}; break;
  case WEIR_INT64: weir_i64_to_str(arena, v.v.i64, &s); break;
  case WEIR_FLOAT64: weir_f64_to_str(arena, v.v.f64, &s); break;
  case WEIR_TIMESTAMP: weir_ts_to_str(arena, v.v.i64, &s); break;
  case WEIR_DURATION: weir_dur_to_str(arena, v.v.i64, &s); break;
  case WEIR_STRING: s = {v.v.str, v.len}; break;
  }
  return std::string(s.ptr, static_cast<size_t>(s.len));
}

WeirValue bits(int64_t x) {
  WeirValue v{};
  v.v.i64 = x;
  return v;
}
WeirValue real(double x) {
  WeirValue v{};
  v.v.f64 = x;
  return v;
}
WeirValue flag(bool x) {
  WeirValue v{};
  v.v.b = x;
  return v;
}
WeirValue text(const char *s) {
  WeirValue v{};
  v.v.str = s;
  v.len = static_cast<uint32_t>(std::strlen(s));
  return v;
}
WeirValue null() {
  WeirValue v{};
  v.is_null = 1;
  return v;
}

struct Case {
  uint8_t type;
  WeirValue value;
};

TEST(ScalarText, EveryValueRoundTripsThroughJsonCsvAndCasts) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const std::vector<Case> cases = {
      {WEIR_BOOL, flag(true)},
      {WEIR_BOOL, flag(false)},
      {WEIR_INT64, bits(0)},
      {WEIR_INT64, bits(-42)},
      {WEIR_INT64, bits(INT64_MAX)},
      {WEIR_INT64, bits(INT64_MIN)},
      {WEIR_FLOAT64, real(0.1)},
      {WEIR_FLOAT64, real(-0.0)},
      {WEIR_FLOAT64, real(1e21)},
      {WEIR_FLOAT64, real(5e-324)},
      {WEIR_FLOAT64, real(1.7976931348623157e308)},
      {WEIR_FLOAT64, real(100.0)},
      {WEIR_FLOAT64, real(kInf)},
      {WEIR_FLOAT64, real(-kInf)},
      {WEIR_FLOAT64, real(std::nan(""))},
      {WEIR_STRING, text("")},
      {WEIR_STRING, text("tRUE")},
      {WEIR_STRING, text(" spaced ")},
      {WEIR_STRING, text("a,\"b\"\nc")},
      {WEIR_STRING, text("42")},
      {WEIR_TIMESTAMP, bits(0)},
      {WEIR_TIMESTAMP, bits(1704067200123)},
      {WEIR_TIMESTAMP, bits(-1)},
      {WEIR_TIMESTAMP, bits(253402300800000)}, // year 10000: expanded form
      {WEIR_TIMESTAMP, bits(-62167219200001)},  // year -1
      {WEIR_TIMESTAMP, bits(INT64_MAX)},
      {WEIR_DURATION, bits(0)},
      {WEIR_DURATION, bits(1500)},
      {WEIR_DURATION, bits(90000)},
      {WEIR_DURATION, bits(-600000)},
      {WEIR_DURATION, bits(172800000)},
      {WEIR_DURATION, bits(INT64_MIN)},
  };
  for (const Case &c : cases) {
    std::string expected = showValue(c.value, c.type);
    SCOPED_TRACE(expected);
    EXPECT_EQ(readOne(writeOne(SinkFormat::Csv, c.type, c.value), Format::Csv, c.type, true),
              expected);
    // JSON cannot express non-finite floats: sinks write null.
    bool nonFinite = c.type == WEIR_FLOAT64 && !std::isfinite(c.value.v.f64);
    EXPECT_EQ(readOne(writeOne(SinkFormat::Json, c.type, c.value), Format::Json, c.type, true),
              nonFinite ? "null" : expected);
    std::string castText = castToString(c.type, c.value);
    EXPECT_EQ(viaCast(c.type, castText), expected) << castText;
    // The cast's text is data too, and a data file's text casts back.
    EXPECT_EQ(viaCsv(c.type, castText), expected) << castText;
    if (c.type != WEIR_STRING) {
      char buf[kMaxValueTextChars];
      std::string fileText(buf, formatValueText(c.value, c.type, buf));
      EXPECT_EQ(viaCast(c.type, fileText), expected) << fileText;
    }
  }
  for (uint8_t type : {WEIR_BOOL, WEIR_INT64, WEIR_FLOAT64, WEIR_STRING, WEIR_TIMESTAMP,
                       WEIR_DURATION}) {
    EXPECT_EQ(readOne(writeOne(SinkFormat::Csv, type, null()), Format::Csv, type, true), "null");
    EXPECT_EQ(readOne(writeOne(SinkFormat::Json, type, null()), Format::Json, type, true), "null");
  }
}

struct TextCase {
  uint8_t type;
  const char *text;
  const char *expected; // showValue's form, or "bad"
};

TEST(ScalarText, TextReadsTheSameInCsvJsonAndCasts) {
  const TextCase cases[] = {
      // bool: true/false in any case, or 1/0 (docs/language.md).
      {WEIR_BOOL, "tRUE", "true"},
      {WEIR_BOOL, "False", "false"},
      {WEIR_BOOL, "FALSE", "false"},
      {WEIR_BOOL, "1", "true"},
      {WEIR_BOOL, " 0\t", "false"},
      {WEIR_BOOL, "yes", "bad"},
      {WEIR_BOOL, "truE1", "bad"},
      {WEIR_BOOL, "", "bad"},
      // int64: optional sign, surrounding whitespace, range-checked.
      {WEIR_INT64, " 42 ", "42"},
      {WEIR_INT64, "+7", "7"},
      {WEIR_INT64, "-9223372036854775808", "-9223372036854775808"},
      {WEIR_INT64, "9223372036854775808", "bad"},
      {WEIR_INT64, "+-1", "bad"},
      {WEIR_INT64, "1.5", "bad"},
      {WEIR_INT64, "12a", "bad"},
      {WEIR_INT64, "4 2", "bad"},
      // float64
      {WEIR_FLOAT64, "1.25", "1.25"},
      {WEIR_FLOAT64, "+1e3", "1000.0"},
      {WEIR_FLOAT64, " -0.5\r", "-0.5"},
      {WEIR_FLOAT64, "3", "3.0"},
      {WEIR_FLOAT64, "NaN", "NaN"},
      {WEIR_FLOAT64, "-Infinity", "-Infinity"},
      {WEIR_FLOAT64, "inf", "Infinity"},
      {WEIR_FLOAT64, "1e400", "bad"},
      {WEIR_FLOAT64, "0x10", "bad"},
      {WEIR_FLOAT64, "1,5", "bad"},
      // timestamp: ISO-8601 or epoch milliseconds
      {WEIR_TIMESTAMP, "2024-01-01", "@2024-01-01T00:00:00.000Z"},
      {WEIR_TIMESTAMP, " 2024-01-01T02:00:00+02:00 ", "@2024-01-01T00:00:00.000Z"},
      {WEIR_TIMESTAMP, "1704067200000", "@2024-01-01T00:00:00.000Z"},
      {WEIR_TIMESTAMP, "-1", "@1969-12-31T23:59:59.999Z"},
      {WEIR_TIMESTAMP, "+10000-01-01", "@+10000-01-01T00:00:00.000Z"},
      {WEIR_TIMESTAMP, "+1000000000-01-01", "bad"},
      {WEIR_TIMESTAMP, "2023-02-29", "bad"},
      {WEIR_TIMESTAMP, "yesterday", "bad"},
      // duration: integer ms, or a literal with a unit
      {WEIR_DURATION, "1500", "1500ms"},
      {WEIR_DURATION, "90s", "90000ms"},
      {WEIR_DURATION, " -10m ", "-600000ms"},
      {WEIR_DURATION, "2d", "172800000ms"},
      {WEIR_DURATION, "250ms", "250ms"},
      {WEIR_DURATION, "5 s", "bad"},
      {WEIR_DURATION, "1.5s", "bad"},
      {WEIR_DURATION, "5w", "bad"},
      {WEIR_DURATION, "s", "bad"},
      {WEIR_DURATION, "9223372036854775807d", "bad"},
      // string: the text as it is
      {WEIR_STRING, " tRUE ", "\" tRUE \""},
  };
  for (const TextCase &c : cases) {
    SCOPED_TRACE(std::string(c.text) + " as " + typeName(c.type));
    EXPECT_EQ(viaCsv(c.type, c.text), c.expected);
    EXPECT_EQ(viaCast(c.type, c.text), c.expected);
    if (c.type == WEIR_TIMESTAMP) { // the one JSON value read from text
      std::string line = "{\"x\":\"" + std::string(c.text) + "\"}\n";
      EXPECT_EQ(readOne(line, Format::Json, c.type, false), c.expected);
    }
  }
}

} // namespace

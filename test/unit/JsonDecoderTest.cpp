#include "RuntimeTestUtil.h"

using namespace weir::rt;
using namespace weir::rt::test;

namespace {

const std::vector<WeirFieldDesc> kTxn = {
    {"txn_id", WEIR_STRING, 0}, {"user_id", WEIR_INT64, 0}, {"amount", WEIR_FLOAT64, 0},
    {"ts", WEIR_TIMESTAMP, 0},  {"note", WEIR_STRING, 1},   {"ok", WEIR_BOOL, 1},
    {"wait", WEIR_DURATION, 1}};

TEST(JsonDecoder, DecodesEveryTypeInAnyKeyOrder) {
  std::string in =
      R"({"txn_id":"t1","user_id":7,"amount":12.5,"ts":"2024-01-01T00:00:00Z","note":"hi","ok":true,"wait":1500})"
      "\n"
      R"({"wait":0,"ok":false,"note":null,"ts":1704067200123,"amount":3,"user_id":-2,"txn_id":"t2"})"
      "\n";
  Decoded d = decodeAll(in, Format::Json, kTxn, allFields(kTxn.size()));
  EXPECT_EQ(d.status, WEIR_END) << d.error;
  ASSERT_EQ(d.rows.size(), 2u);
  EXPECT_EQ(d.rows[0], "\"t1\"|7|12.5|@2024-01-01T00:00:00.000Z|\"hi\"|true|1500ms");
  EXPECT_EQ(d.rows[1], "\"t2\"|-2|3.0|@2024-01-01T00:00:00.123Z|null|false|0ms");
}

TEST(JsonDecoder, MissingNullableFieldsAreNullAndUnusedFieldsAreIgnored) {
  // Only txn_id and note are used; user_id is garbage but never looked at.
  std::string in = R"({"txn_id":"a","user_id":"not a number","extra":[1,2,{"x":3}]})"
                   "\n";
  Decoded d = decodeAll(in, Format::Json, kTxn, {0, 4});
  EXPECT_EQ(d.status, WEIR_END) << d.error;
  ASSERT_EQ(d.rows.size(), 1u);
  EXPECT_EQ(d.rows[0], "\"a\"|null");
}

TEST(JsonDecoder, UnescapesStrings) {
  std::string in = R"({"txn_id":"a\"b\\c\nd\u00e9\ud83d\ude00"})"
                   "\n";
  Decoded d = decodeAll(in, Format::Json, kTxn, {0});
  EXPECT_EQ(d.status, WEIR_END) << d.error;
  ASSERT_EQ(d.rows.size(), 1u);
  EXPECT_EQ(d.rows[0], "\"a\"b\\c\nd\xC3\xA9\xF0\x9F\x98\x80\"");
}

TEST(JsonDecoder, SkipsBlankLinesAndAcceptsCrlfAndMissingFinalNewline) {
  std::string in = "\n{\"user_id\":1}\r\n   \n{\"user_id\":2}";
  Decoded d = decodeAll(in, Format::Json, kTxn, {1});
  EXPECT_EQ(d.status, WEIR_END) << d.error;
  EXPECT_EQ(d.rows, (std::vector<std::string>{"1", "2"}));
}

struct BadCase {
  const char *line;
  const char *message; // after "data/txns.jsonl:2: "
};

class JsonDecoderErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(JsonDecoderErrors, FailPolicyNamesFileLineAndField) {
  std::string in = std::string(R"({"txn_id":"ok","user_id":1,"amount":1.0,"ts":0})") + "\n" +
                   GetParam().line + "\n" + R"({"txn_id":"later","user_id":3,"amount":1.0,"ts":0})" +
                   "\n";
  Decoded d = decodeAll(in, Format::Json, kTxn, {0, 1, 2, 3, 5}, "fail", "data/txns.jsonl");
  EXPECT_EQ(d.status, WEIR_ERR_RECORD);
  std::string expected = std::string("data/txns.jsonl:2: ") + GetParam().message;
  if (expected.back() == '*') // a prefix: simdjson's own words follow
    EXPECT_EQ(d.error.substr(0, expected.size() - 1), expected.substr(0, expected.size() - 1)) << d.error;
  else
    EXPECT_EQ(d.error, expected);
  EXPECT_EQ(d.rows.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, JsonDecoderErrors,
    ::testing::Values(
        BadCase{R"({"txn_id":"x","user_id":1,"amount":"abc","ts":0})",
                R"(field 'amount': expected float64, got string "abc")"},
        BadCase{R"({"txn_id":"x","user_id":1.5,"amount":1,"ts":0})",
                "field 'user_id': expected int64, got number 1.5"},
        BadCase{R"({"txn_id":5,"user_id":1,"amount":1,"ts":0})",
                "field 'txn_id': expected string, got number 5"},
        BadCase{R"({"txn_id":"x","user_id":1,"amount":1,"ts":0,"ok":"yes"})",
                R"(field 'ok': expected bool, got string "yes")"},
        BadCase{R"({"txn_id":"x","user_id":1,"amount":1,"ts":"2024-13-01T00:00:00Z"})",
                R"(field 'ts': cannot parse timestamp "2024-13-01T00:00:00Z")"},
        BadCase{R"({"txn_id":"x","user_id":1,"amount":1,"ts":true})",
                "field 'ts': expected timestamp, got bool true"},
        BadCase{R"({"txn_id":"x","user_id":null,"amount":1,"ts":0})",
                "field 'user_id': null, but the field is a non-nullable int64"},
        BadCase{R"({"txn_id":"x","amount":1,"ts":0})",
                "field 'user_id': missing (the field is not nullable)"},
        BadCase{R"({"txn_id":"x","user_id":1,"amount":{"v":1},"ts":0})",
                "field 'amount': expected float64, got object"},
        BadCase{R"({"txn_id":"x","user_id":99999999999999999999,"amount":1,"ts":0})",
                "field 'user_id': expected int64, got number 99999999999999999999 (out of range)"},
        BadCase{R"([1,2,3])", "expected a JSON object"},
        BadCase{R"({"txn_id":"x","user_id":1,"amount":1,"ts":0} trailing)",
                "malformed JSON*"},
        BadCase{R"({"txn_id":"x","user_id":1,"amount":1,"ts":0} {"a":1})", "malformed JSON*"},
        BadCase{R"({"txn_id":"x","user_id":1,"amount":1,"ts":0)", "malformed JSON*"},
        BadCase{R"({"txn_id":"x\q","user_id":1,"amount":1,"ts":0})", "field 'txn_id': invalid string*"}));

TEST(JsonDecoder, TruncatedLineIsMalformedAndLaterLinesStillDecode) {
  std::string in = "{\"user_id\":1}\n{\"user_id\":2,\"txn_id\":\n{\"user_id\":3}\n";
  Decoded d = decodeAll(in, Format::Json, kTxn, {1}, "skip");
  EXPECT_EQ(d.status, WEIR_END);
  EXPECT_EQ(d.rows, (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(d.read, 3u);
  EXPECT_EQ(d.bad, 1u);

  Decoded f = decodeAll(in, Format::Json, kTxn, {1}, "fail", "t.jsonl");
  EXPECT_EQ(f.status, WEIR_ERR_RECORD);
  EXPECT_EQ(f.error.rfind("t.jsonl:2: malformed JSON", 0), 0u) << f.error;
}

TEST(JsonDecoder, DeadLetterPolicyRecordsLineReasonAndRawText) {
  std::string in = "{\"user_id\":1}\n{\"user_id\":\"x\\\"y\"}\n{\"user_id\":3}\n";
  Decoded d = decodeAll(in, Format::Json, kTxn, {1}, "dead_letter:bad.jsonl", "in.jsonl");
  EXPECT_EQ(d.status, WEIR_END);
  EXPECT_EQ(d.rows, (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(d.deadLetters,
            "{\"source\":\"src\",\"file\":\"in.jsonl\",\"line\":2,\"reason\":\"field 'user_id': "
            "expected int64, got string \\\"x\\\\\\\"y\\\"\",\"raw\":\"{\\\"user_id\\\":\\\"x\\\\\\\"y\\\"}\"}\n");
}

TEST(JsonDecoder, LongValuesAreCutInMessages) {
  std::string longText(200, 'z');
  std::string in = "{\"user_id\":\"" + longText + "\"}\n";
  Decoded d = decodeAll(in, Format::Json, kTxn, {1});
  EXPECT_EQ(d.error, "data/in.txt:1: field 'user_id': expected int64, got string \"" +
                         std::string(59, 'z') + "...");
}

} // namespace

namespace {

// Decodes with the document-stream fast path or line by line; returns one
// text per record: the row, or "BAD line N: reason".
std::vector<std::string> decodeEither(const std::string &content, bool linesOnly,
                                      size_t chunkBytes = 0) {
  SourceData data;
  data.setBytes(simdjson::padded_string(content));
  std::vector<uint32_t> used = {0, 1, 2, 3, 4};
  SchemaView schema{static_cast<uint32_t>(kTxn.size()), kTxn.data(), 5, used.data()};
  auto decoder = makeJsonDecoder(schema, data.whole(), linesOnly, chunkBytes);
  std::vector<WeirValue> row(kTxn.size());
  std::vector<std::string> out;
  for (;;) {
    DecodeOutcome o = decoder->next(row.data());
    if (o == DecodeOutcome::End)
      break;
    if (o == DecodeOutcome::Bad) {
      out.push_back("BAD line " + std::to_string(decoder->recordLine() + 1) + ": " +
                    decoder->reason() + " raw=" + std::string(decoder->recordText()));
      continue;
    }
    std::string text;
    for (uint32_t k : used)
      text += showValue(row[k], kTxn[k].type) + "|";
    out.push_back(text);
  }
  return out;
}

TEST(JsonDecoder, StreamFastPathAgreesWithLineByLine) {
  // Enough lines for several chunks, with every kind of trouble in between,
  // including ones that confuse a document stream (an unclosed string, an
  // object spanning lines, two objects on one line).
  const char *trouble[] = {
      R"({"txn_id":"unclosed,"user_id":1,"amount":1,"ts":0})",
      R"({"txn_id":"a","user_id":1,)",
      R"("amount":1,"ts":0})",
      R"({"txn_id":"a","user_id":1,"amount":1,"ts":0} {"txn_id":"b","user_id":2,"amount":1,"ts":0})",
      R"({"txn_id":"a","user_id":"x","amount":1,"ts":0})",
      R"({"txn_id":"a","user_id":1,"amount":1})",
      R"([1,2])",
      R"(   )",
      R"({"txn_id":"dup","txn_id":"second","user_id":1,"amount":1,"ts":0,"note":null})",
      "{\"txn_id\":\"bad utf8 \xC3\x28\",\"user_id\":1,\"amount\":1,\"ts\":0}",
      R"({"txn_id":"esc\"aped","user_id":1,"amount":1e2,"ts":"2024-01-01T00:00:00+01:00"})",
      R"(  {"txn_id":"indented","user_id":1,"amount":1,"ts":0}  )",
      R"(})",
      R"({"txn_id":"a","user_id":1,"amount":1,"ts":0,"unused(":})", // found by the fuzzer
      R"({"txn_id":"open","user_id":1,"amount":1,"ts":0,"x":{"y":1})", // root never closed
      R"({"txn_id":"open")",                                           // found by the fuzzer
  };
  std::string in;
  for (int i = 0; i < 40000; ++i) {
    if (i % 997 == 500) {
      in += trouble[(i / 997) % (sizeof trouble / sizeof *trouble)];
      in += i % 2 ? "\r\n" : "\n";
      continue;
    }
    in += "{\"txn_id\":\"t" + std::to_string(i) + "\",\"user_id\":" + std::to_string(i % 321) +
          ",\"amount\":" + std::to_string(i % 7) + ".5,\"ts\":\"2024-03-01T10:00:00.000Z\"" +
          (i % 3 ? ",\"note\":\"n\"" : "") + "}\n";
  }
  std::vector<std::string> fast = decodeEither(in, false);
  std::vector<std::string> careful = decodeEither(in, true);
  ASSERT_EQ(fast.size(), careful.size());
  EXPECT_EQ(decodeEither(in, false, 300), careful); // many small chunks
  size_t bad = 0;
  for (size_t i = 0; i < fast.size(); ++i) {
    ASSERT_EQ(fast[i], careful[i]) << "record " << i;
    bad += fast[i].rfind("BAD", 0) == 0;
  }
  EXPECT_GE(bad, 25u); // 12 of the 16 kinds are bad records
  EXPECT_GT(fast.size(), 39990u);
}

} // namespace

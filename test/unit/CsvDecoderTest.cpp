#include "RuntimeTestUtil.h"

using namespace weir::rt;
using namespace weir::rt::test;

namespace {

const std::vector<WeirFieldDesc> kMerchant = {{"name", WEIR_STRING, 0},
                                              {"category", WEIR_STRING, 1},
                                              {"risk", WEIR_FLOAT64, 0},
                                              {"since", WEIR_TIMESTAMP, 1},
                                              {"active", WEIR_BOOL, 1},
                                              {"n", WEIR_INT64, 1}};

TEST(CsvDecoder, MapsColumnsByNameInAnyOrder) {
  std::string in = "risk,extra,name,category\n"
                   "0.5,x,acme,food\n"
                   "2,y,bolt,\n";
  Decoded d = decodeAll(in, Format::Csv, kMerchant, {0, 1, 2, 3});
  EXPECT_EQ(d.status, WEIR_END) << d.error;
  // 'since' has no column: it is nullable, so it is always null.
  EXPECT_EQ(d.rows, (std::vector<std::string>{"\"acme\"|\"food\"|0.5|null",
                                              "\"bolt\"|null|2.0|null"}));
}

TEST(CsvDecoder, QuotedFieldsHoldCommasQuotesAndNewlines) {
  std::string in = "name,risk,category\n"
                   "\"a,b\",1,\"say \"\"hi\"\"\"\n"
                   "\"multi\nline\",2,\"\"\n"
                   "plain,3,x\n";
  Decoded d = decodeAll(in, Format::Csv, kMerchant, {0, 1, 2});
  EXPECT_EQ(d.status, WEIR_END) << d.error;
  EXPECT_EQ(d.rows, (std::vector<std::string>{"\"a,b\"|\"say \"hi\"\"|1.0",
                                              "\"multi\nline\"|\"\"|2.0", "\"plain\"|\"x\"|3.0"}));
}

TEST(CsvDecoder, CrlfBomBlankLinesAndTypedValues) {
  std::string in = "\xEF\xBB\xBFname,risk,since,active,n\r\n"
                   "a,1.5,2024-02-29T12:30:00.5+01:00,TRUE,42\r\n"
                   "\r\n"
                   "b,-0.25,86400000,0,\r\n";
  Decoded d = decodeAll(in, Format::Csv, kMerchant, {0, 2, 3, 4, 5});
  EXPECT_EQ(d.status, WEIR_END) << d.error;
  EXPECT_EQ(d.rows,
            (std::vector<std::string>{"\"a\"|1.5|@2024-02-29T11:30:00.500Z|true|42",
                                      "\"b\"|-0.25|@1970-01-02T00:00:00.000Z|false|null"}));
}

TEST(CsvDecoder, EmptyUnquotedNonNullableStringIsEmptyString) {
  std::string in = "name,risk\n,1\n";
  Decoded d = decodeAll(in, Format::Csv, kMerchant, {0, 2});
  EXPECT_EQ(d.status, WEIR_END) << d.error;
  EXPECT_EQ(d.rows, (std::vector<std::string>{"\"\"|1.0"}));
}

TEST(CsvDecoder, MissingColumnForNonNullableFieldFailsAtOpen) {
  Decoded d = decodeAll("name,category\nx,y\n", Format::Csv, kMerchant, {0});
  EXPECT_EQ(d.status, WEIR_ERR_IO);
  EXPECT_EQ(d.error,
            "no column 'risk' for the non-nullable field 'risk' (the header has: name, category)");
}

struct BadCase {
  const char *record;
  const char *message;
};

class CsvDecoderErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(CsvDecoderErrors, NameFileLineAndField) {
  std::string in = std::string("name,risk,active\nok,1,true\n") + GetParam().record + "\nlast,2,false\n";
  Decoded d = decodeAll(in, Format::Csv, kMerchant, {0, 2, 4}, "fail", "data/m.csv");
  EXPECT_EQ(d.status, WEIR_ERR_RECORD);
  EXPECT_EQ(d.error, std::string("data/m.csv:3: ") + GetParam().message);
  EXPECT_EQ(d.rows.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, CsvDecoderErrors,
    ::testing::Values(BadCase{"x,abc,true", "field 'risk': expected float64, got \"abc\""},
                      BadCase{"x,1", "expected 3 columns, got 2"},
                      BadCase{"x,1,true,extra", "expected 3 columns, got 4"},
                      BadCase{"x,,true", "field 'risk': missing value (the field is not nullable)"},
                      BadCase{"x,1,maybe", "field 'active': expected bool, got \"maybe\""},
                      BadCase{"\"x\"y,1,true", "unexpected character after a closing quote"}));

TEST(CsvDecoder, SkipPolicyContinuesAfterBadRecordsAndCountsThem) {
  std::string in = "name,risk\na,1\nb,zz\nc\nd,4\n";
  Decoded d = decodeAll(in, Format::Csv, kMerchant, {0, 2}, "skip");
  EXPECT_EQ(d.status, WEIR_END);
  EXPECT_EQ(d.rows, (std::vector<std::string>{"\"a\"|1.0", "\"d\"|4.0"}));
  EXPECT_EQ(d.read, 4u);
  EXPECT_EQ(d.bad, 2u);
}

TEST(CsvDecoder, LineNumbersCountQuotedNewlines) {
  std::string in = "name,risk\n\"two\nlines\",1\nbad,x\n";
  Decoded d = decodeAll(in, Format::Csv, kMerchant, {0, 2}, "dead_letter:x", "m.csv");
  EXPECT_EQ(d.status, WEIR_END);
  EXPECT_EQ(d.deadLetters, "{\"source\":\"src\",\"file\":\"m.csv\",\"line\":4,\"reason\":\"field "
                           "'risk': expected float64, got \\\"x\\\"\",\"raw\":\"bad,x\"}\n");
}

TEST(CsvDecoder, UnterminatedQuoteIsAnError) {
  Decoded d = decodeAll("name,risk\n\"open,1\n", Format::Csv, kMerchant, {0, 2}, "fail", "m.csv");
  EXPECT_EQ(d.status, WEIR_ERR_RECORD);
  EXPECT_EQ(d.error, "m.csv:2: unterminated quoted field");
}

} // namespace

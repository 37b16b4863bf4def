// The scalar built-ins (stdlib/runtime), against hand-computed values.
#include "runtime/src/Arena.h"
#include "weir/runtime.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace {

struct Scratch {
  WeirArena arena;
  std::string str(void (*fn)(WeirArena *, const char *, int64_t, WeirStr *), const std::string &s) {
    WeirStr out;
    fn(&arena, s.data(), static_cast<int64_t>(s.size()), &out);
    return std::string(out.ptr, static_cast<size_t>(out.len));
  }
  std::string substr(const std::string &s, int64_t start, int64_t len) {
    WeirStr out;
    weir_str_substr(&arena, s.data(), static_cast<int64_t>(s.size()), start, len, &out);
    return std::string(out.ptr, static_cast<size_t>(out.len));
  }
};

int64_t len(const std::string &s) { return weir_str_length(s.data(), static_cast<int64_t>(s.size())); }

TEST(StringFns, LengthCountsCodePoints) {
  EXPECT_EQ(len(""), 0);
  EXPECT_EQ(len("abc"), 3);
  EXPECT_EQ(len("h\xC3\xA9llo"), 5);          // é is 2 bytes
  EXPECT_EQ(len("\xF0\x9F\x98\x80!"), 2);     // an emoji is 4 bytes
  EXPECT_EQ(len("\xE2\x82\xAC" "1"), 2);      // € is 3 bytes
}

TEST(StringFns, SubstrIsOneBasedAndUtf8Aware) {
  Scratch s;
  EXPECT_EQ(s.substr("hello", 2, 3), "ell");
  EXPECT_EQ(s.substr("hello", 1, -1), "hello");
  EXPECT_EQ(s.substr("hello", 0, 2), "he");  // 0 behaves like 1
  EXPECT_EQ(s.substr("hello", 4, 10), "lo");
  EXPECT_EQ(s.substr("hello", 9, 2), "");
  EXPECT_EQ(s.substr("hello", -3, -1), "llo");
  EXPECT_EQ(s.substr("hello", -3, 2), "ll");
  EXPECT_EQ(s.substr("hello", -7, 3), "h");   // two positions before the start count
  EXPECT_EQ(s.substr("h\xC3\xA9llo", 2, 2), "\xC3\xA9l");
  EXPECT_EQ(s.substr("\xF0\x9F\x98\x80xy", 2, -1), "xy");
  EXPECT_EQ(s.substr("abc", 2, 0), "");
}

TEST(StringFns, UpperLowerAreAsciiOnly) {
  Scratch s;
  EXPECT_EQ(s.str(weir_str_upper, "Hello, w\xC3\xA9rld 1"), "HELLO, W\xC3\xA9RLD 1");
  EXPECT_EQ(s.str(weir_str_lower, "MiXeD \xC3\x89"), "mixed \xC3\x89");
  EXPECT_EQ(s.str(weir_str_upper, ""), "");
}

TEST(StringFns, Base64StandardWithPadding) {
  Scratch s;
  // RFC 4648 section 10 test vectors.
  EXPECT_EQ(s.str(weir_str_base64, ""), "");
  EXPECT_EQ(s.str(weir_str_base64, "f"), "Zg==");
  EXPECT_EQ(s.str(weir_str_base64, "fo"), "Zm8=");
  EXPECT_EQ(s.str(weir_str_base64, "foo"), "Zm9v");
  EXPECT_EQ(s.str(weir_str_base64, "foob"), "Zm9vYg==");
  EXPECT_EQ(s.str(weir_str_base64, "fooba"), "Zm9vYmE=");
  EXPECT_EQ(s.str(weir_str_base64, "foobar"), "Zm9vYmFy");
  EXPECT_EQ(s.str(weir_str_base64, std::string("\xFB\xFF", 2)), "+/8=");
}

TEST(StringFns, ConcatAndPredicates) {
  WeirArena arena;
  WeirStr parts[3] = {{"ab", 2}, {"", 0}, {"cd\xC3\xA9", 4}};
  WeirStr out;
  weir_str_concat(&arena, parts, 3, &out);
  EXPECT_EQ(std::string(out.ptr, out.len), "abcd\xC3\xA9");
  weir_str_concat(&arena, parts, 0, &out);
  EXPECT_EQ(out.len, 0);

  EXPECT_TRUE(weir_str_contains("merchant", 8, "cha", 3));
  EXPECT_FALSE(weir_str_contains("merchant", 8, "xyz", 3));
  EXPECT_TRUE(weir_str_contains("abc", 3, "", 0));
  EXPECT_FALSE(weir_str_contains("ab", 2, "abc", 3));
  EXPECT_TRUE(weir_str_starts_with("merchant", 8, "mer", 3));
  EXPECT_FALSE(weir_str_starts_with("merchant", 8, "chant", 5));
  EXPECT_TRUE(weir_str_ends_with("merchant", 8, "chant", 5));
  EXPECT_FALSE(weir_str_ends_with("at", 2, "cat", 3));
  EXPECT_LT(weir_str_compare("abc", 3, "abd", 3), 0);
  EXPECT_GT(weir_str_compare("abc", 3, "ab", 2), 0);
  EXPECT_EQ(weir_str_compare("ab", 2, "ab", 2), 0);
  EXPECT_LT(weir_str_compare("", 0, "a", 1), 0);
  EXPECT_GT(weir_str_compare("\xC3\xA9", 2, "z", 1), 0); // byte order = code point order
}

TEST(Casts, ToStringFormats) {
  WeirArena arena;
  WeirStr out;
  auto text = [&] { return std::string(out.ptr, static_cast<size_t>(out.len)); };
  weir_i64_to_str(&arena, -9223372036854775807LL - 1, &out);
  EXPECT_EQ(text(), "-9223372036854775808");
  weir_f64_to_str(&arena, 1.0, &out);
  EXPECT_EQ(text(), "1.0");
  weir_f64_to_str(&arena, 0.1, &out);
  EXPECT_EQ(text(), "0.1");
  weir_f64_to_str(&arena, -2.5e-7, &out);
  EXPECT_EQ(text(), "-2.5e-07");
  weir_f64_to_str(&arena, 1e21, &out);
  EXPECT_EQ(text(), "1e+21");
  weir_f64_to_str(&arena, std::nan(""), &out);
  EXPECT_EQ(text(), "NaN");
  weir_f64_to_str(&arena, -std::numeric_limits<double>::infinity(), &out);
  EXPECT_EQ(text(), "-Infinity");
  weir_ts_to_str(&arena, 0, &out);
  EXPECT_EQ(text(), "1970-01-01T00:00:00.000Z");
  weir_ts_to_str(&arena, -1, &out);
  EXPECT_EQ(text(), "1969-12-31T23:59:59.999Z");
  weir_ts_to_str(&arena, 1709209845123, &out); // 2024-02-29T12:30:45.123Z
  EXPECT_EQ(text(), "2024-02-29T12:30:45.123Z");
  weir_dur_to_str(&arena, 90000, &out);
  EXPECT_EQ(text(), "90s");
  weir_dur_to_str(&arena, 1500, &out);
  EXPECT_EQ(text(), "1500ms");
  weir_dur_to_str(&arena, 7200000, &out);
  EXPECT_EQ(text(), "2h");
  weir_dur_to_str(&arena, 172800000, &out);
  EXPECT_EQ(text(), "2d");
  weir_dur_to_str(&arena, -600000, &out);
  EXPECT_EQ(text(), "-10m");
  weir_dur_to_str(&arena, 0, &out);
  EXPECT_EQ(text(), "0ms");
}

TEST(Casts, FromString) {
  int64_t i = 0;
  EXPECT_TRUE(weir_str_to_i64(" 42 ", 4, &i));
  EXPECT_EQ(i, 42);
  EXPECT_TRUE(weir_str_to_i64("+7", 2, &i));
  EXPECT_EQ(i, 7);
  EXPECT_TRUE(weir_str_to_i64("-9223372036854775808", 20, &i));
  EXPECT_EQ(i, INT64_MIN);
  EXPECT_FALSE(weir_str_to_i64("9223372036854775808", 19, &i));
  EXPECT_FALSE(weir_str_to_i64("12a", 3, &i));
  EXPECT_FALSE(weir_str_to_i64("", 0, &i));
  EXPECT_FALSE(weir_str_to_i64("+-1", 3, &i));
  EXPECT_FALSE(weir_str_to_i64("1.5", 3, &i));

  double d = 0;
  EXPECT_TRUE(weir_str_to_f64("1.25", 4, &d));
  EXPECT_EQ(d, 1.25);
  EXPECT_TRUE(weir_str_to_f64("-1e3", 4, &d));
  EXPECT_EQ(d, -1000.0);
  EXPECT_TRUE(weir_str_to_f64("Infinity", 8, &d));
  EXPECT_TRUE(std::isinf(d));
  EXPECT_FALSE(weir_str_to_f64("1,5", 3, &d));
  EXPECT_FALSE(weir_str_to_f64("0x10", 4, &d));

  int64_t ts = 0;
  EXPECT_TRUE(weir_str_to_ts("2024-01-01T00:00:00Z", 20, &ts));
  EXPECT_EQ(ts, 1704067200000);
  EXPECT_TRUE(weir_str_to_ts("2024-01-01", 10, &ts));
  EXPECT_EQ(ts, 1704067200000);
  EXPECT_TRUE(weir_str_to_ts("2024-01-01 02:00:00.25-02:30", 28, &ts));
  EXPECT_EQ(ts, 1704067200000 + (4 * 60 + 30) * 60000 + 250);
  EXPECT_TRUE(weir_str_to_ts("1969-12-31T23:59:59.9999Z", 25, &ts));
  EXPECT_EQ(ts, -1); // fractions beyond ms are truncated
  EXPECT_FALSE(weir_str_to_ts("2023-02-29", 10, &ts));
  EXPECT_FALSE(weir_str_to_ts("2024-01-01T25:00:00Z", 20, &ts));
  EXPECT_FALSE(weir_str_to_ts("2024-01-01T00:00:00Zjunk", 24, &ts));
  EXPECT_FALSE(weir_str_to_ts("yesterday", 9, &ts));

  uint8_t b = 9;
  EXPECT_TRUE(weir_str_to_bool("TRUE", 4, &b));
  EXPECT_EQ(b, 1);
  EXPECT_TRUE(weir_str_to_bool("0", 1, &b));
  EXPECT_EQ(b, 0);
  EXPECT_FALSE(weir_str_to_bool("yes", 3, &b));
}

TEST(TimeFns, HourDayOfWeekFloor) {
  const int64_t t = 1709209845123; // Thursday 2024-02-29T12:30:45.123Z
  EXPECT_EQ(weir_ts_hour(t), 12);
  EXPECT_EQ(weir_ts_day_of_week(t), 4);
  EXPECT_EQ(weir_ts_day_of_week(0), 4);                 // 1970-01-01 was a Thursday
  EXPECT_EQ(weir_ts_day_of_week(3 * 86400000LL), 7);    // Sunday
  EXPECT_EQ(weir_ts_day_of_week(4 * 86400000LL), 1);    // Monday
  EXPECT_EQ(weir_ts_day_of_week(-1), 3);                // Wednesday 1969-12-31
  EXPECT_EQ(weir_ts_hour(-1), 23);
  EXPECT_EQ(weir_ts_floor(t, 60000), 1709209800000);
  EXPECT_EQ(weir_ts_floor(t, 3600000), 1709208000000);
  EXPECT_EQ(weir_ts_floor(-1, 60000), -60000);
  EXPECT_EQ(weir_ts_floor(t, 0), t);
}

TEST(MathFns, RoundHalfAwayFromZeroOnDecimalText) {
  EXPECT_EQ(weir_round(2.5, 0), 3.0);
  EXPECT_EQ(weir_round(-2.5, 0), -3.0);
  EXPECT_EQ(weir_round(2.4999, 0), 2.0);
  EXPECT_EQ(weir_round(1.005, 2), 1.01); // the double is 1.00499999999999989...
  EXPECT_EQ(weir_round(-1.005, 2), -1.01);
  EXPECT_EQ(weir_round(0.125, 2), 0.13);
  EXPECT_EQ(weir_round(1234.5678, -2), 1200.0);
  EXPECT_EQ(weir_round(1250.0, -2), 1300.0);
  EXPECT_EQ(weir_round(9.995, 2), 10.0);
  EXPECT_EQ(weir_round(0.0004, 3), 0.0);
  EXPECT_EQ(weir_round(0.0005, 3), 0.001);
  EXPECT_EQ(weir_round(12.34, 5), 12.34);
  EXPECT_EQ(weir_round(99.5, 0), 100.0);
  EXPECT_TRUE(std::isnan(weir_round(std::nan(""), 0)));
}

} // namespace

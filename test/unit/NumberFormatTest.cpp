// formatFloat64's fast path for few-decimal values must write exactly what
// std::to_chars (shortest round trip) writes: checked against it directly on
// every cent value up to 20,000, on sums of cents (which pick up binary
// noise), on random decimals with 1 to 8 places and on random bit patterns.
#include "common/NumberFormat.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

using namespace weir::rt;

namespace {

// The definition formatFloat64 keeps: to_chars, then ".0" when the text
// has neither a point nor an exponent.
std::string reference(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos)
    s += ".0";
  return s;
}

std::string formatted(double v) {
  char buf[kMaxFloatChars];
  return std::string(buf, formatFloat64(v, buf));
}

void expectSame(double v) {
  ASSERT_EQ(formatted(v), reference(v)) << "bits " << std::hex << [&] {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    return b;
  }();
}

TEST(FormatFloat64, EveryCentValueAsToChars) {
  for (int64_t cents = 0; cents <= 2'000'000; ++cents) {
    expectSame(static_cast<double>(cents) / 100);
    expectSame(-static_cast<double>(cents) / 100);
  }
}

TEST(FormatFloat64, SumsOfCentsAsToChars) {
  std::mt19937_64 rng(7);
  for (int run = 0; run < 2000; ++run) {
    double sum = 0;
    for (int i = 0; i < 500; ++i) {
      sum += static_cast<double>(rng() % 100000) / 100;
      expectSame(sum);
    }
  }
}

TEST(FormatFloat64, RandomDecimalsAndBitsAsToChars) {
  std::mt19937_64 rng(11);
  const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  for (int i = 0; i < 1'000'000; ++i) {
    int places = 1 + static_cast<int>(rng() % 8);
    expectSame(static_cast<double>(rng() % 100'000'000'000ull) / pow10[places]);
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, 8);
    if (std::isfinite(v))
      expectSame(v);
    expectSame(std::ldexp(static_cast<double>(rng() >> 11), -static_cast<int>(rng() % 60)));
  }
}

TEST(FormatFloat64, EdgesAsToChars) {
  for (double v : {0.1, 0.2, 0.3, 0.5, 0.7, 0.9999999, 1.0, 1.5, 99.99, 1e9, 999999999.5, 999999999.999999,
                   0.1 + 0.2, 1.0 / 3, 2.0 / 3, 5e-324, 1e-5, 0.05, 123456.000001, 4503599627370495.5,
                   9007199254740993.0, 1e21, 1e22, 1e23}) {
    for (double w : {v, -v, std::nextafter(v, 0.0), std::nextafter(v, 1e300)})
      expectSame(w);
  }
}

} // namespace

#include "common/NumberFormat.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace weir::rt {

namespace {

constexpr double kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
constexpr int kMaxFastDecimals = 6;

// Is the decimal m / 10^k read back as exactly v? m and 10^k are exact
// doubles (m < 2^53), so the quotient IEEE division returns is m / 10^k
// correctly rounded: what reading the decimal text gives.
inline bool readsBackAs(int64_t m, int k, double v) {
  return static_cast<double>(m) / kPow10[k] == v;
}

// The common case of sink output, amounts like 29.33 or 0.125: a
// non-integer with at most kMaxFastDecimals decimals and 0.1 <= |v| < 1e9.
// Writes what std::to_chars writes, or returns 0 when it is not that case.
// - Shortest: for a non-integer, every text that reads back as v has
//   decimals (an integer text reads back as an integer), so the first k
//   at which a multiple of 10^-k reads back gives the fewest digits.
// - Which multiple: below 1e9 a double's spacing is at most 2^-23 < 10^-6,
//   so at most one multiple of 10^-k (k <= 6) lies in the interval of
//   texts that read back as v, and to_chars has no closer one to choose.
//   If it exists, v * 10^k is within 0.06 of it, and the product's own
//   rounding error (< 2^50, so at most 0.0625) cannot move the rounding to
//   another integer: m is that multiple.
// - Fixed, not scientific: for 0.1 <= |v| the fixed text is the shorter.
size_t formatFewDecimals(double v, char *out) {
  double mag = v < 0 ? -v : v;
  if (!(mag >= 0.1 && mag < 1e9))
    return 0;
  for (int k = 1; k <= kMaxFastDecimals; ++k) {
    int64_t m = static_cast<int64_t>(mag * kPow10[k] + 0.5);
    if (!readsBackAs(m, k, mag))
      continue;
    int64_t p = static_cast<int64_t>(kPow10[k]);
    int64_t whole = m / p, frac = m % p;
    if (frac == 0)
      return 0; // an integer after all (cannot happen for a non-integer v)
    char *w = out;
    if (v < 0)
      *w++ = '-';
    auto r = std::to_chars(w, w + 12, whole);
    w = r.ptr;
    *w++ = '.';
    for (int d = k - 1; d >= 0; --d) { // k digits, leading zeros kept
      w[d] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    return static_cast<size_t>(w + k - out);
  }
  return 0;
}

} // namespace

size_t formatFloat64(double v, char *out) {
  if (size_t n = formatFewDecimals(v, out))
    return n;
  if (std::isnan(v)) {
    std::memcpy(out, "NaN", 3);
    return 3;
  }
  if (std::isinf(v)) {
    const char *text = v < 0 ? "-Infinity" : "Infinity";
    size_t n = std::strlen(text);
    std::memcpy(out, text, n);
    return n;
  }
  auto r = std::to_chars(out, out + kMaxFloatChars - 2, v);
  size_t n = static_cast<size_t>(r.ptr - out);
  if (!std::memchr(out, '.', n) && !std::memchr(out, 'e', n)) {
    out[n++] = '.';
    out[n++] = '0';
  }
  return n;
}

size_t formatDuration(int64_t ms, char *out) {
  struct Unit { int64_t ms; const char *suffix; };
  static const Unit kUnits[] = {{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}};
  const char *suffix = "ms";
  int64_t count = ms;
  if (ms != 0) {
    for (const Unit &u : kUnits) {
      if (ms % u.ms == 0) {
        count = ms / u.ms;
        suffix = u.suffix;
        break;
      }
    }
  }
  auto r = std::to_chars(out, out + kMaxDurationChars - 3, count);
  size_t n = static_cast<size_t>(r.ptr - out);
  size_t s = std::strlen(suffix);
  std::memcpy(out + n, suffix, s);
  return n + s;
}

} // namespace weir::rt

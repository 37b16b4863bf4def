#include "common/NumberFormat.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace weir::rt {

size_t formatFloat64(double v, char *out) {
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

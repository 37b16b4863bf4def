// String built-ins. Lengths and positions count UTF-8 code points; case
// mapping is ASCII only (bytes >= 0x80 are copied unchanged) because a full
// Unicode case mapping needs tables this runtime does not carry.
#include "weir/runtime.h"

#include <cstring>

namespace {

inline bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Byte offset of the code point with 0-based index `cp` (or n when past the
// end).
int64_t byteOffsetOfCodePoint(const char *p, int64_t n, int64_t cp) {
  int64_t i = 0;
  while (i < n && cp > 0) {
    ++i;
    while (i < n && isContinuation(static_cast<unsigned char>(p[i])))
      ++i;
    --cp;
  }
  return i;
}

void mapAscii(WeirArena *a, const char *p, int64_t n, WeirStr *out, bool upper) {
  char *dst = static_cast<char *>(weir_arena_alloc(a, n));
  for (int64_t i = 0; i < n; ++i) {
    char c = p[i];
    if (upper && c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
    else if (!upper && c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    dst[i] = c;
  }
  *out = {dst, n};
}

} // namespace

extern "C" {

int64_t weir_str_length(const char *p, int64_t n) {
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i)
    count += !isContinuation(static_cast<unsigned char>(p[i]));
  return count;
}

void weir_str_upper(WeirArena *a, const char *p, int64_t n, WeirStr *out) {
  mapAscii(a, p, n, out, true);
}

void weir_str_lower(WeirArena *a, const char *p, int64_t n, WeirStr *out) {
  mapAscii(a, p, n, out, false);
}

// substr(s, start[, len]) as in Spark SQL: start is 1-based, 0 behaves like 1,
// a negative start counts from the end (-1 is the last code point); len < 0
// means to the end. The result is a view of the input (no copy needed: it
// lives exactly as long as the input does).
void weir_str_substr(WeirArena *, const char *p, int64_t n, int64_t start, int64_t len,
                     WeirStr *out) {
  int64_t first; // 0-based code point index
  if (start > 0) {
    first = start - 1;
  } else if (start == 0) {
    first = 0;
  } else {
    int64_t count = weir_str_length(p, n);
    first = count + start;
    if (first < 0) {
      // Spark: the part before the string's start still counts against len.
      if (len >= 0)
        len = len + first > 0 ? len + first : 0;
      first = 0;
    }
  }
  int64_t begin = byteOffsetOfCodePoint(p, n, first);
  int64_t end = n;
  if (len >= 0)
    end = begin + byteOffsetOfCodePoint(p + begin, n - begin, len);
  *out = {p + begin, end - begin};
}

void weir_str_concat(WeirArena *a, const WeirStr *parts, int64_t nparts, WeirStr *out) {
  int64_t total = 0;
  for (int64_t i = 0; i < nparts; ++i)
    total += parts[i].len;
  char *dst = static_cast<char *>(weir_arena_alloc(a, total));
  char *w = dst;
  for (int64_t i = 0; i < nparts; ++i) {
    if (parts[i].len > 0)
      std::memcpy(w, parts[i].ptr, static_cast<size_t>(parts[i].len));
    w += parts[i].len;
  }
  *out = {dst, total};
}

// Standard alphabet (RFC 4648 section 4) with '=' padding.
void weir_str_base64(WeirArena *a, const char *p, int64_t n, WeirStr *out) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  int64_t outLen = (n + 2) / 3 * 4;
  char *dst = static_cast<char *>(weir_arena_alloc(a, outLen));
  const unsigned char *in = reinterpret_cast<const unsigned char *>(p);
  char *w = dst;
  int64_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = uint32_t(in[i]) << 16 | uint32_t(in[i + 1]) << 8 | in[i + 2];
    *w++ = kAlphabet[v >> 18];
    *w++ = kAlphabet[(v >> 12) & 63];
    *w++ = kAlphabet[(v >> 6) & 63];
    *w++ = kAlphabet[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = uint32_t(in[i]) << 16;
    *w++ = kAlphabet[v >> 18];
    *w++ = kAlphabet[(v >> 12) & 63];
    *w++ = '=';
    *w++ = '=';
  } else if (n - i == 2) {
    uint32_t v = uint32_t(in[i]) << 16 | uint32_t(in[i + 1]) << 8;
    *w++ = kAlphabet[v >> 18];
    *w++ = kAlphabet[(v >> 12) & 63];
    *w++ = kAlphabet[(v >> 6) & 63];
    *w++ = '=';
  }
  *out = {dst, outLen};
}

uint8_t weir_str_contains(const char *p, int64_t n, const char *q, int64_t m) {
  if (m == 0)
    return 1;
  if (m > n)
    return 0;
  return memmem(p, static_cast<size_t>(n), q, static_cast<size_t>(m)) != nullptr;
}

uint8_t weir_str_starts_with(const char *p, int64_t n, const char *q, int64_t m) {
  return m <= n && (m == 0 || std::memcmp(p, q, static_cast<size_t>(m)) == 0);
}

uint8_t weir_str_ends_with(const char *p, int64_t n, const char *q, int64_t m) {
  return m <= n && (m == 0 || std::memcmp(p + n - m, q, static_cast<size_t>(m)) == 0);
}

// Byte order, which for UTF-8 is code point order.
int32_t weir_str_compare(const char *p, int64_t n, const char *q, int64_t m) {
  int64_t common = n < m ? n : m;
  if (common > 0) {
    int c = std::memcmp(p, q, static_cast<size_t>(common));
    if (c != 0)
      return c < 0 ? -1 : 1;
  }
  return n < m ? -1 : (n > m ? 1 : 0);
}

} // extern "C"

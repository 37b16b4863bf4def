// What the string built-ins compute, header-only so that the runtime's C ABI
// functions (stdlib/runtime/Strings.cpp) and the compiler's constant folding
// (ir/passes/FoldBuiltins.cpp) run the very same code and cannot disagree.
// Lengths and positions count UTF-8 code points; case mapping is ASCII only
// (bytes >= 0x80 are copied unchanged) because a full Unicode case mapping
// needs tables this runtime does not carry. Every function works on
// (pointer, byte length) and writes into caller-provided memory: the runtime
// allocates in its arena, the folder in a std::string.
#pragma once

#include <cstdint>
#include <cstring>

namespace weir::builtin {

inline bool isUtf8Continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// length(s): the number of code points (bytes that do not continue one).
inline int64_t codePointCount(const char *p, int64_t n) {
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i)
    count += !isUtf8Continuation(static_cast<unsigned char>(p[i]));
  return count;
}

// Byte offset of the code point with 0-based index `cp`, or n when past the end.
inline int64_t byteOffsetOfCodePoint(const char *p, int64_t n, int64_t cp) {
  int64_t i = 0;
  while (i < n && cp > 0) {
    ++i;
    while (i < n && isUtf8Continuation(static_cast<unsigned char>(p[i])))
      ++i;
    --cp;
  }
  return i;
}

struct ByteRange {
  int64_t begin;
  int64_t end;
};

// substr(s, start[, len]) as in Spark SQL: start is 1-based, 0 behaves like 1,
// a negative start counts from the end (-1 is the last code point) and the
// part before the string's start still counts against len; len < 0 means to
// the end. Returns the bytes of `p` the result consists of.
inline ByteRange substrRange(const char *p, int64_t n, int64_t start, int64_t len) {
  int64_t first; // 0-based code point index
  if (start > 0) {
    first = start - 1;
  } else if (start == 0) {
    first = 0;
  } else {
    first = codePointCount(p, n) + start;
    if (first < 0) {
      if (len >= 0)
        len = len + first > 0 ? len + first : 0;
      first = 0;
    }
  }
  int64_t begin = byteOffsetOfCodePoint(p, n, first);
  int64_t end = n;
  if (len >= 0)
    end = begin + byteOffsetOfCodePoint(p + begin, n - begin, len);
  return {begin, end};
}

// upper(s) / lower(s): ASCII letters only; `dst` has room for n bytes.
inline void asciiUpper(const char *p, int64_t n, char *dst) {
  for (int64_t i = 0; i < n; ++i)
    dst[i] = p[i] >= 'a' && p[i] <= 'z' ? static_cast<char>(p[i] - 'a' + 'A') : p[i];
}
inline void asciiLower(const char *p, int64_t n, char *dst) {
  for (int64_t i = 0; i < n; ++i)
    dst[i] = p[i] >= 'A' && p[i] <= 'Z' ? static_cast<char>(p[i] - 'A' + 'a') : p[i];
}

// base64(s): the standard alphabet (RFC 4648 section 4) with '=' padding.
inline int64_t base64Length(int64_t n) { return (n + 2) / 3 * 4; }
inline void base64Encode(const char *p, int64_t n, char *dst) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
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
}

// contains / starts_with / ends_with: byte-wise; the empty needle is found
// everywhere.
inline bool containsBytes(const char *p, int64_t n, const char *q, int64_t m) {
  if (m == 0)
    return true;
  if (m > n)
    return false;
  return memmem(p, static_cast<size_t>(n), q, static_cast<size_t>(m)) != nullptr;
}
inline bool startsWithBytes(const char *p, int64_t n, const char *q, int64_t m) {
  return m <= n && (m == 0 || std::memcmp(p, q, static_cast<size_t>(m)) == 0);
}
inline bool endsWithBytes(const char *p, int64_t n, const char *q, int64_t m) {
  return m <= n && (m == 0 || std::memcmp(p + n - m, q, static_cast<size_t>(m)) == 0);
}

} // namespace weir::builtin

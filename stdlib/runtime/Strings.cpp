// The string built-ins' C ABI: thin wrappers that allocate results in the
// scratch arena and run the shared definitions in common/StringBuiltins.h
// (which constant folding runs too).
#include "common/StringBuiltins.h"
#include "weir/runtime.h"

#include <cstring>

using namespace weir::builtin;

extern "C" {

int64_t weir_str_length(const char *p, int64_t n) { return codePointCount(p, n); }

void weir_str_upper(WeirArena *a, const char *p, int64_t n, WeirStr *out) {
  char *dst = static_cast<char *>(weir_arena_alloc(a, n));
  asciiUpper(p, n, dst);
  *out = {dst, n};
}

void weir_str_lower(WeirArena *a, const char *p, int64_t n, WeirStr *out) {
  char *dst = static_cast<char *>(weir_arena_alloc(a, n));
  asciiLower(p, n, dst);
  *out = {dst, n};
}

// The result is a view of the input (no copy needed: it lives exactly as long
// as the input does).
void weir_str_substr(WeirArena *, const char *p, int64_t n, int64_t start, int64_t len,
                     WeirStr *out) {
  ByteRange r = substrRange(p, n, start, len);
  *out = {p + r.begin, r.end - r.begin};
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

void weir_str_base64(WeirArena *a, const char *p, int64_t n, WeirStr *out) {
  int64_t outLen = base64Length(n);
  char *dst = static_cast<char *>(weir_arena_alloc(a, outLen));
  base64Encode(p, n, dst);
  *out = {dst, outLen};
}

uint8_t weir_str_contains(const char *p, int64_t n, const char *q, int64_t m) {
  return containsBytes(p, n, q, m);
}

uint8_t weir_str_starts_with(const char *p, int64_t n, const char *q, int64_t m) {
  return startsWithBytes(p, n, q, m);
}

uint8_t weir_str_ends_with(const char *p, int64_t n, const char *q, int64_t m) {
  return endsWithBytes(p, n, q, m);
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

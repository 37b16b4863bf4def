// Casts to and from strings. Parsing trims ASCII whitespace around the value
// and returns 0 (the cast's result is null) when the rest does not parse.
#include "common/NumberFormat.h"
#include "common/TimeFormat.h"
#include "weir/runtime.h"

#include <charconv>
#include <cstring>
#include <string_view>

using namespace weir::rt;

namespace {

std::string_view trimmed(const char *p, int64_t n) {
  std::string_view s(p, static_cast<size_t>(n));
  auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && isSpace(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back()))
    s.remove_suffix(1);
  return s;
}

void copyOut(WeirArena *a, const char *text, size_t n, WeirStr *out) {
  char *dst = static_cast<char *>(weir_arena_alloc(a, static_cast<int64_t>(n)));
  std::memcpy(dst, text, n);
  *out = {dst, static_cast<int64_t>(n)};
}

bool equalsIgnoreCase(std::string_view s, std::string_view lowerWord) {
  if (s.size() != lowerWord.size())
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != lowerWord[i])
      return false;
  }
  return true;
}

} // namespace

extern "C" {

void weir_i64_to_str(WeirArena *a, int64_t v, WeirStr *out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  copyOut(a, buf, static_cast<size_t>(r.ptr - buf), out);
}

void weir_f64_to_str(WeirArena *a, double v, WeirStr *out) {
  char buf[kMaxFloatChars];
  copyOut(a, buf, formatFloat64(v, buf), out);
}

void weir_ts_to_str(WeirArena *a, int64_t ms, WeirStr *out) {
  char buf[kMaxTimestampChars];
  copyOut(a, buf, formatTimestamp(ms, buf), out);
}

void weir_dur_to_str(WeirArena *a, int64_t ms, WeirStr *out) {
  char buf[kMaxDurationChars];
  copyOut(a, buf, formatDuration(ms, buf), out);
}

uint8_t weir_str_to_i64(const char *p, int64_t n, int64_t *out) {
  std::string_view s = trimmed(p, n);
  if (s.size() > 1 && s[0] == '+' && s[1] != '-')
    s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

uint8_t weir_str_to_f64(const char *p, int64_t n, double *out) {
  std::string_view s = trimmed(p, n);
  if (s.size() > 1 && s[0] == '+' && s[1] != '-')
    s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

uint8_t weir_str_to_ts(const char *p, int64_t n, int64_t *out) {
  std::string_view s = trimmed(p, n);
  return parseTimestamp(s.data(), s.size(), *out);
}

uint8_t weir_str_to_bool(const char *p, int64_t n, uint8_t *out) {
  std::string_view s = trimmed(p, n);
  if (equalsIgnoreCase(s, "true") || s == "1") {
    *out = 1;
    return 1;
  }
  if (equalsIgnoreCase(s, "false") || s == "0") {
    *out = 0;
    return 1;
  }
  return 0;
}

} // extern "C"

// Casts to and from strings, by the scalar text rule of common/ScalarText.h
// (the one the CSV and JSON decoders use): parsing returns 0 (the cast's
// result is null) when the text does not parse. string(duration) writes the
// literal form ("90s"), which the rule reads back.
#include "common/NumberFormat.h"
#include "common/ScalarText.h"
#include "common/TimeFormat.h"
#include "weir/runtime.h"

#include <cstring>
#include <string_view>

using namespace weir::rt;

namespace {

std::string_view text(const char *p, int64_t n) {
  return std::string_view(p, static_cast<size_t>(n));
}

// The to-string casts: `format` writes at most Capacity characters into a
// stack buffer, and the result lives in the arena.
template <size_t Capacity, typename Value>
void formatIntoArena(WeirArena *a, Value v, size_t (*format)(Value, char *), WeirStr *out) {
  char buf[Capacity];
  size_t n = format(v, buf);
  char *dst = static_cast<char *>(weir_arena_alloc(a, static_cast<int64_t>(n)));
  std::memcpy(dst, buf, n);
  *out = {dst, static_cast<int64_t>(n)};
}

} // namespace

extern "C" {

void weir_i64_to_str(WeirArena *a, int64_t v, WeirStr *out) {
  formatIntoArena<kMaxInt64Chars>(a, v, formatInt64Text, out);
}

void weir_f64_to_str(WeirArena *a, double v, WeirStr *out) {
  formatIntoArena<kMaxFloatChars>(a, v, formatFloat64, out);
}

void weir_ts_to_str(WeirArena *a, int64_t ms, WeirStr *out) {
  formatIntoArena<kMaxTimestampChars>(a, ms, formatTimestamp, out);
}

void weir_dur_to_str(WeirArena *a, int64_t ms, WeirStr *out) {
  formatIntoArena<kMaxDurationChars>(a, ms, formatDuration, out);
}

uint8_t weir_str_to_i64(const char *p, int64_t n, int64_t *out) {
  return parseInt64Text(text(p, n), *out);
}

uint8_t weir_str_to_f64(const char *p, int64_t n, double *out) {
  return parseFloat64Text(text(p, n), *out);
}

uint8_t weir_str_to_ts(const char *p, int64_t n, int64_t *out) {
  return parseTimestampText(text(p, n), *out);
}

uint8_t weir_str_to_bool(const char *p, int64_t n, uint8_t *out) {
  bool b = false;
  if (!parseBoolText(text(p, n), b))
    return 0;
  *out = b;
  return 1;
}

} // extern "C"

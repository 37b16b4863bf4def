// The text form of scalar values: the one rule by which CSV fields, JSON
// timestamp strings and the string casts (int64("42"), bool("tRUE"), ...)
// read text, and by which sinks and string(x) write it. The per-type rules:
//
//  * surrounding ASCII whitespace (space, tab, CR, LF) is ignored for every
//    type but string, whose text is taken as it is;
//  * bool: "true" or "false" in any case, or "1" / "0";
//  * int64: an optional '+' or '-' and decimal digits; out of range fails;
//  * float64: what std::from_chars reads (decimal or exponent form, also
//    "NaN", "Infinity", "inf"), with an optional leading '+'; no hex;
//  * timestamp: ISO-8601 (see parseTimestamp) or integer epoch milliseconds;
//  * duration: integer milliseconds, or one literal as string(d) writes it:
//    an integer with a unit ms, s, m, h or d ("90s", "-5m").
//
// Null is not text: each format says how it writes one (an empty CSV field,
// JSON null) and casts of unparsable text yield null. The parsers are inline
// because decoders call them per field; they never allocate.
#pragma once

#include "common/TimeFormat.h"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace weir::rt {

inline bool isScalarSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

inline std::string_view trimScalarText(std::string_view s) {
  while (!s.empty() && isScalarSpace(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && isScalarSpace(s.back()))
    s.remove_suffix(1);
  return s;
}

// The parsers below take untrimmed text and trim it themselves.

inline bool parseBoolText(std::string_view s, bool &out) {
  s = trimScalarText(s);
  auto is = [&s](const char *lowerWord, size_t n) {
    if (s.size() != n)
      return false;
    for (size_t i = 0; i < n; ++i)
      if ((s[i] | 0x20) != lowerWord[i]) // only 'T' and 't' fold to 't', and so on
        return false;
    return true;
  };
  if (s == "1" || is("true", 4)) {
    out = true;
    return true;
  }
  if (s == "0" || is("false", 5)) {
    out = false;
    return true;
  }
  return false;
}

// from_chars takes a '-' but no '+'; "+-1" stays an error.
inline std::string_view dropPlusSign(std::string_view s) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-')
    s.remove_prefix(1);
  return s;
}

inline bool parseInt64Text(std::string_view s, int64_t &out) {
  s = dropPlusSign(trimScalarText(s));
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

inline bool parseFloat64Text(std::string_view s, double &out) {
  s = dropPlusSign(trimScalarText(s));
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

inline bool parseTimestampText(std::string_view s, int64_t &epochMs) {
  s = trimScalarText(s);
  return parseTimestamp(s.data(), s.size(), epochMs) || parseInt64Text(s, epochMs);
}

// The unit form ("90s") is rare in data: out of line.
bool parseDurationWithUnit(std::string_view trimmed, int64_t &ms);

inline bool parseDurationText(std::string_view s, int64_t &ms) {
  s = trimScalarText(s);
  return parseInt64Text(s, ms) || parseDurationWithUnit(s, ms);
}

// Writers. Durations are written as integer milliseconds in data files (JSON
// and CSV sinks); string(d) writes the literal form (formatDuration). Floats
// and timestamps: formatFloat64 (NumberFormat.h), formatTimestamp.
inline constexpr size_t kMaxInt64Chars = 20; // "-9223372036854775808"

inline size_t formatBoolText(bool b, char *out) {
  if (b) {
    std::memcpy(out, "true", 4);
    return 4;
  }
  std::memcpy(out, "false", 5);
  return 5;
}

inline size_t formatInt64Text(int64_t v, char *out) {
  return static_cast<size_t>(std::to_chars(out, out + kMaxInt64Chars, v).ptr - out);
}

} // namespace weir::rt

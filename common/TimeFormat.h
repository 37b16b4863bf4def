// ISO-8601 timestamps <-> epoch milliseconds (UTC), shared by the scalar
// built-ins, the record decoders and the sink writers so that every place
// reads and prints time the same way.
#pragma once

#include <cstddef>
#include <cstdint>

namespace weir::rt {

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
// Hinnant's days_from_civil / civil_from_days; exact for all int64 ranges we
// meet).
inline int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
void civilFromDays(int64_t days, int64_t &year, unsigned &month, unsigned &day);

// Proleptic Gregorian leap years and month lengths (m in 1..12). Header-only,
// so the compiler's timestamp literals use the very same calendar.
inline bool isLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
inline unsigned daysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeapYear(y) ? 29 : kDays[m - 1];
}

// Floor division and modulo (the C operators truncate toward zero, which is
// wrong for timestamps before 1970).
inline int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
inline int64_t floorMod(int64_t a, int64_t b) { return a - floorDiv(a, b) * b; }

// Longest text formatTimestamp writes.
inline constexpr size_t kMaxTimestampChars = 40;

// Writes "2024-01-01T00:00:00.000Z" (years outside 0000..9999 get a sign and
// at least four digits, as ISO-8601's expanded form). Returns the length.
size_t formatTimestamp(int64_t epochMs, char *out);

// Parses "YYYY-MM-DD" (or an expanded year, "+10000-01-01", as
// formatTimestamp writes it), optionally followed by 'T' or ' ' and
// "HH:MM[:SS[.fraction]]", optionally followed by 'Z' or an offset
// "+hh:mm" / "+hhmm" / "+hh". No offset means UTC. Fractions beyond
// milliseconds are truncated. Returns false when the text does not parse or a
// component is out of range.
bool parseTimestamp(const char *p, size_t n, int64_t &epochMs);

} // namespace weir::rt

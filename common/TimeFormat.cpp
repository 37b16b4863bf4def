#include "common/TimeFormat.h"

#include <charconv>
#include <climits>
#include <cstring>

namespace weir::rt {


void civilFromDays(int64_t z, int64_t &year, unsigned &month, unsigned &day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int64_t>(yoe) + era * 400 + (month <= 2);
}

static char *put2(char *out, unsigned v) {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
  return out + 2;
}

// "YYYY-MM-DD" (or a signed year of 4 or more digits) for a day number.
static size_t formatDate(int64_t days, char *out) {
  int64_t year;
  unsigned month, day;
  civilFromDays(days, year, month, day);
  char *p = out;
  if (year >= 0 && year <= 9999) {
    unsigned y = static_cast<unsigned>(year);
    p = put2(p, y / 100);
    p = put2(p, y % 100);
  } else {
    *p++ = year < 0 ? '-' : '+';
    uint64_t mag = year < 0 ? 0 - static_cast<uint64_t>(year) : static_cast<uint64_t>(year);
    char digits[24];
    auto r = std::to_chars(digits, digits + sizeof digits, mag);
    for (ptrdiff_t pad = 4 - (r.ptr - digits); pad > 0; --pad)
      *p++ = '0';
    for (char *d = digits; d < r.ptr; ++d)
      *p++ = *d;
  }
  *p++ = '-';
  p = put2(p, month);
  *p++ = '-';
  p = put2(p, day);
  return static_cast<size_t>(p - out);
}

size_t formatTimestamp(int64_t epochMs, char *out) {
  const int64_t days = floorDiv(epochMs, 86400000);
  const int64_t msOfDay = epochMs - days * 86400000;
  // Timestamps written one after another mostly share their day (a sink's
  // window bounds, event times): each thread keeps the text of the last
  // date it wrote, and the calendar arithmetic runs once per day, not per value.
  thread_local int64_t lastDay = INT64_MIN;
  thread_local char lastDate[32];
  thread_local size_t lastDateLen = 0;
  if (days != lastDay) {
    lastDateLen = formatDate(days, lastDate);
    lastDay = days;
  }
  std::memcpy(out, lastDate, lastDateLen);
  char *p = out + lastDateLen;
  *p++ = 'T';
  unsigned ms = static_cast<unsigned>(msOfDay);
  p = put2(p, ms / 3600000);
  *p++ = ':';
  p = put2(p, ms / 60000 % 60);
  *p++ = ':';
  p = put2(p, ms / 1000 % 60);
  *p++ = '.';
  unsigned frac = ms % 1000;
  *p++ = static_cast<char>('0' + frac / 100);
  p = put2(p, frac % 100);
  *p++ = 'Z';
  return static_cast<size_t>(p - out);
}

namespace {
// A tiny cursor over the text being parsed.
struct Scan {
  const char *p, *end;
  bool digits(unsigned count, unsigned &value) {
    if (static_cast<size_t>(end - p) < count)
      return false;
    value = 0;
    for (unsigned i = 0; i < count; ++i) {
      char c = p[i];
      if (c < '0' || c > '9')
        return false;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    p += count;
    return true;
  }
  bool accept(char c) {
    if (p < end && *p == c) {
      ++p;
      return true;
    }
    return false;
  }
};

// "YYYY", or a year outside 0000..9999 in ISO-8601's expanded form as
// formatTimestamp writes it: a sign and four to nine digits ("+10000",
// "-0001"; nine digits cover every year an int64 of milliseconds reaches).
bool yearPart(Scan &s, int64_t &year) {
  unsigned plain;
  if (s.p == s.end || (*s.p != '+' && *s.p != '-')) {
    if (!s.digits(4, plain))
      return false;
    year = plain;
    return true;
  }
  bool negative = *s.p == '-';
  ++s.p;
  unsigned count = 0;
  uint64_t magnitude = 0;
  for (; s.p < s.end && *s.p >= '0' && *s.p <= '9' && count < 10; ++s.p, ++count)
    magnitude = magnitude * 10 + static_cast<unsigned>(*s.p - '0');
  if (count < 4 || count > 9)
    return false;
  year = negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

} // namespace

// The form sinks write and most data has: "YYYY-MM-DDTHH:MM:SS.mmmZ".
static bool parseCanonicalTimestamp(const char *p, int64_t &epochMs) {
  unsigned v[7] = {};
  static const unsigned char kStart[7] = {0, 5, 8, 11, 14, 17, 20};
  static const unsigned char kLen[7] = {4, 2, 2, 2, 2, 2, 3};
  for (int f = 0; f < 7; ++f) {
    for (unsigned i = 0; i < kLen[f]; ++i) {
      unsigned d = static_cast<unsigned>(p[kStart[f] + i]) - '0';
      if (d > 9)
        return false;
      v[f] = v[f] * 10 + d;
    }
  }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > daysInMonth(v[0], v[1]) || v[3] > 23 ||
      v[4] > 59 || v[5] > 60)
    return false;
  epochMs = daysFromCivil(v[0], v[1], v[2]) * 86400000 +
            ((static_cast<int64_t>(v[3]) * 60 + v[4]) * 60 + v[5]) * 1000 + v[6];
  return true;
}

bool parseTimestamp(const char *text, size_t n, int64_t &epochMs) {
  if (n == 24 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' &&
      text[16] == ':' && text[19] == '.' && text[23] == 'Z')
    return parseCanonicalTimestamp(text, epochMs);
  Scan s{text, text + n};
  int64_t year;
  unsigned month, day;
  if (!yearPart(s, year) || !s.accept('-') || !s.digits(2, month) || !s.accept('-') ||
      !s.digits(2, day))
    return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return false;
  int64_t msOfDay = 0;
  if (s.p < s.end && (*s.p == 'T' || *s.p == 't' || *s.p == ' ')) {
    ++s.p;
    unsigned hh, mm, ss = 0, ms = 0;
    if (!s.digits(2, hh) || !s.accept(':') || !s.digits(2, mm))
      return false;
    if (s.accept(':')) {
      if (!s.digits(2, ss))
        return false;
      if (s.accept('.') || s.accept(',')) {
        unsigned seen = 0;
        while (s.p < s.end && *s.p >= '0' && *s.p <= '9') {
          if (seen < 3)
            ms = ms * 10 + static_cast<unsigned>(*s.p - '0');
          ++seen;
          ++s.p;
        }
        if (seen == 0)
          return false;
        for (; seen < 3; ++seen)
          ms *= 10;
      }
    }
    if (hh > 23 || mm > 59 || ss > 60) // 60: a leap second, folded into the next minute
      return false;
    msOfDay = ((static_cast<int64_t>(hh) * 60 + mm) * 60 + ss) * 1000 + ms;
    if (s.accept('Z') || s.accept('z')) {
    } else if (s.p < s.end && (*s.p == '+' || *s.p == '-')) {
      int sign = *s.p == '-' ? -1 : 1;
      ++s.p;
      unsigned oh, om = 0;
      if (!s.digits(2, oh))
        return false;
      if (s.accept(':')) {
        if (!s.digits(2, om))
          return false;
      } else if (s.p < s.end) {
        if (!s.digits(2, om))
          return false;
      }
      if (oh > 23 || om > 59)
        return false;
      msOfDay -= sign * ((static_cast<int64_t>(oh) * 60 + om) * 60000);
    }
  }
  if (s.p != s.end)
    return false;
  // Expanded years reach the ends of the int64 range.
  int64_t dayMs;
  return !__builtin_mul_overflow(daysFromCivil(year, month, day), int64_t{86400000}, &dayMs) &&
         !__builtin_add_overflow(dayMs, msOfDay, &epochMs);
}

} // namespace weir::rt

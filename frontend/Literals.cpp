#include "frontend/Literals.h"

#include "common/TimeFormat.h"

#include <charconv>
#include <limits>

namespace weir {
namespace {

template <typename T> Decoded<T> failure(std::string message, uint32_t offset = 0) {
  Decoded<T> d;
  d.error = std::move(message);
  d.offset = offset;
  return d;
}
template <typename T> Decoded<T> success(T value) {
  Decoded<T> d;
  d.value = std::move(value);
  return d;
}

void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads exactly `n` digits at `pos`.
bool readDigits(std::string_view s, size_t &pos, size_t n, unsigned &out) {
  if (pos + n > s.size())
    return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9')
      return false;
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  pos += n;
  return true;
}

} // namespace

Decoded<int64_t> decodeInt(std::string_view digits, bool negative) {
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  uint64_t limit = negative ? uint64_t(std::numeric_limits<int64_t>::max()) + 1
                            : uint64_t(std::numeric_limits<int64_t>::max());
  if (ec != std::errc() || end != digits.data() + digits.size() || magnitude > limit)
    return failure<int64_t>("integer literal '" + std::string(digits) + "' does not fit in int64");
  if (negative)
    return success<int64_t>(magnitude == limit ? std::numeric_limits<int64_t>::min()
                                               : -static_cast<int64_t>(magnitude));
  return success<int64_t>(static_cast<int64_t>(magnitude));
}

Decoded<double> decodeFloat(std::string_view spelling) {
  // from_chars, unlike strtod, ignores the C locale's decimal point.
  double v = 0;
  auto [end, ec] = std::from_chars(spelling.data(), spelling.data() + spelling.size(), v);
  std::string text(spelling);
  if (ec == std::errc::result_out_of_range)
    return failure<double>("floating-point literal '" + text + "' is out of range");
  if (ec != std::errc() || end != spelling.data() + spelling.size())
    return failure<double>("invalid floating-point literal '" + text + "'");
  return success(v);
}

Decoded<int64_t> decodeDuration(std::string_view spelling) {
  size_t digitsEnd = 0;
  while (digitsEnd < spelling.size() && spelling[digitsEnd] >= '0' && spelling[digitsEnd] <= '9')
    ++digitsEnd;
  std::string_view unit = spelling.substr(digitsEnd);
  int64_t scale = unit == "ms" ? 1
                  : unit == "s" ? 1000
                  : unit == "m" ? 60'000
                  : unit == "h" ? 3'600'000
                  : unit == "d" ? 86'400'000
                                : 0;
  if (scale == 0)
    return failure<int64_t>("invalid duration unit '" + std::string(unit) +
                            "'; use ms, s, m, h or d");
  auto count = decodeInt(spelling.substr(0, digitsEnd));
  int64_t ms = 0;
  if (!count.value || __builtin_mul_overflow(*count.value, scale, &ms))
    return failure<int64_t>("duration '" + std::string(spelling) + "' is too large");
  return success(ms);
}

Decoded<std::string> decodeString(std::string_view quoted) {
  std::string out;
  // Strip the quotes; the lexer guarantees both are there.
  std::string_view body = quoted.substr(1, quoted.size() >= 2 ? quoted.size() - 2 : 0);
  uint32_t codePoint = 1; // offset of body[i] from the opening quote
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
      ++codePoint;
    if (c != '\\') {
      out += c;
      continue;
    }
    uint32_t escapeAt = codePoint - 1;
    if (i + 1 >= body.size())
      return failure<std::string>("unterminated escape sequence", escapeAt);
    char e = body[++i];
    ++codePoint;
    switch (e) {
    case 'n': out += '\n'; break;
    case 't': out += '\t'; break;
    case 'r': out += '\r'; break;
    case '0': out += '\0'; break;
    case '\\': out += '\\'; break;
    case '"': out += '"'; break;
    case '\'': out += '\''; break;
    case 'u': {
      uint32_t cp = 0;
      for (int k = 0; k < 4; ++k) {
        int h = i + 1 < body.size() ? hexValue(body[i + 1]) : -1;
        if (h < 0)
          return failure<std::string>("\\u must be followed by four hex digits", escapeAt);
        cp = cp * 16 + static_cast<uint32_t>(h);
        ++i;
        ++codePoint;
      }
      if (cp >= 0xD800 && cp <= 0xDFFF)
        return failure<std::string>("\\u escape names a UTF-16 surrogate, not a character",
                                    escapeAt);
      appendUtf8(out, cp);
      break;
    }
    default: {
      std::string shown = static_cast<unsigned char>(e) < 0x80 ? std::string(1, e) : "...";
      return failure<std::string>("unknown escape sequence '\\" + shown + "'", escapeAt);
    }
    }
  }
  return success(std::move(out));
}

Decoded<int64_t> decodeTimestamp(std::string_view s) {
  auto bad = [&](std::string why) {
    return failure<int64_t>("invalid timestamp \"" + std::string(s) + "\": " + why +
                            " (expected e.g. \"2024-01-31T12:00:00Z\")");
  };
  size_t pos = 0;
  unsigned year, month, day;
  if (!readDigits(s, pos, 4, year) || pos >= s.size() || s[pos++] != '-' ||
      !readDigits(s, pos, 2, month) || pos >= s.size() || s[pos++] != '-' ||
      !readDigits(s, pos, 2, day))
    return bad("the date must be YYYY-MM-DD");
  if (month < 1 || month > 12)
    return bad("month out of range");
  if (day < 1 || day > rt::daysInMonth(year, month))
    return bad("day out of range");
  int64_t ms = rt::daysFromCivil(year, month, day) * 86'400'000;
  if (pos == s.size())
    return success(ms);
  if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')
    return bad("expected 'T' after the date");
  ++pos;
  unsigned hour, minute, second = 0, millis = 0;
  if (!readDigits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':' ||
      !readDigits(s, pos, 2, minute))
    return bad("the time must be HH:MM[:SS[.fff]]");
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!readDigits(s, pos, 2, second))
      return bad("the seconds must be two digits");
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      size_t digits = 0;
      unsigned scale = 100;
      for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++digits) {
        millis += static_cast<unsigned>(s[pos] - '0') * scale; // digits past ms truncate
        scale /= 10;
      }
      if (digits == 0)
        return bad("the fraction of a second needs digits");
    }
  }
  // Second 60 is a leap second, folded into the next minute.
  if (hour > 23 || minute > 59 || second > 60)
    return bad("time of day out of range");
  ms += (hour * 3600 + minute * 60 + second) * 1000LL + millis;
  if (pos == s.size())
    return success(ms);
  if (s[pos] == 'Z' || s[pos] == 'z')
    return pos + 1 == s.size() ? success(ms) : bad("unexpected text after 'Z'");
  if (s[pos] != '+' && s[pos] != '-')
    return bad("expected 'Z' or a UTC offset like +02:00");
  int sign = s[pos++] == '+' ? 1 : -1;
  unsigned offHour, offMinute = 0;
  if (!readDigits(s, pos, 2, offHour))
    return bad("the UTC offset must be +HH:MM");
  bool colon = pos < s.size() && s[pos] == ':';
  pos += colon;
  if ((colon || pos < s.size()) && !readDigits(s, pos, 2, offMinute))
    return bad("the UTC offset must be +HH:MM");
  if (pos != s.size())
    return bad("unexpected text after the UTC offset");
  if (offHour > 23 || offMinute > 59)
    return bad("UTC offset out of range");
  // 12:00+02:00 is 10:00 UTC.
  return success(ms - sign * int64_t(offHour * 3600 + offMinute * 60) * 1000);
}

} // namespace weir

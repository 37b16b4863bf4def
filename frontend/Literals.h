// Decoding of literal spellings: numbers, durations, escaped strings and
// ISO-8601 timestamps. Each returns an error message instead of a value when
// the spelling is invalid; the caller turns it into a diagnostic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace weir {

template <typename T> struct Decoded {
  std::optional<T> value;
  std::string error;   // set when value is empty
  uint32_t offset = 0; // where in the spelling the problem is (code points)
};

// Decimal digits; `negative` decodes `-digits` (so INT64_MIN is reachable).
Decoded<int64_t> decodeInt(std::string_view digits, bool negative = false);
Decoded<double> decodeFloat(std::string_view spelling);
// `250ms`, `5s`, `10m`, `1h`, `2d` -> milliseconds.
Decoded<int64_t> decodeDuration(std::string_view spelling);
// A quoted string with escapes \n \t \r \0 \\ \" \' \uXXXX -> its UTF-8 text.
Decoded<std::string> decodeString(std::string_view quoted);
// YYYY-MM-DD[(T| )HH:MM[:SS[(.|,)fraction]][Z|(+|-)HH[[:]MM]]] -> epoch ms
// (UTC when no offset is given). The same rules as the runtime's
// timestamp(string) cast (stdlib/runtime/TimeFormat.h), so a literal and a
// cast of the same text agree.
Decoded<int64_t> decodeTimestamp(std::string_view text);

} // namespace weir

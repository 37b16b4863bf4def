// Typed values from text (CSV fields) and the snippets of input that record
// error messages quote.
#pragma once

#include "weir/runtime.h"

#include <string>
#include <string_view>

namespace weir::rt {

// Converts CSV field text to a value of `type` (a WeirTypeCode). bool:
// true/false (any case) or 1/0; int64, duration: decimal integer (duration in
// ms); float64: decimal or integer, also NaN/Infinity; timestamp: ISO-8601 or
// an integer epoch-ms; string: the text itself. On failure returns false
// with `why` = "expected int64, got \"abc\"".
bool parseTextValue(std::string_view text, uint8_t type, WeirValue &out, std::string &why);

// Input quoted in messages is cut to a readable length.
std::string truncateForMessage(std::string_view raw);
std::string quoteForMessage(std::string_view s); // "\"abc\"" (cut like above)

} // namespace weir::rt

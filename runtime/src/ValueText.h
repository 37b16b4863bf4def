// Typed values from and to text, for the record decoders and the sink
// writers: WeirValue-level wrappers of the scalar text rule in
// common/ScalarText.h (which the string casts use too), and the snippets of
// input that record error messages quote.
#pragma once

#include "common/ScalarText.h"
#include "common/NumberFormat.h"
#include "common/Type.h"
#include "weir/runtime.h"

#include <cassert>
#include <string>
#include <string_view>

namespace weir::rt {

// "int64", "timestamp", ... for a WeirTypeCode (which mirrors TypeKind).
inline const char *typeName(uint8_t typeCode) {
  return typeKindName(static_cast<TypeKind>(typeCode));
}

// Converts text (a CSV field) to a value of `type` (a WeirTypeCode) by the
// rule of common/ScalarText.h; a string value points into `text`. On failure
// returns false with `why` = "expected int64, got \"abc\"".
bool parseTextValue(std::string_view text, uint8_t type, WeirValue &out, std::string &why);

// Longest text formatValueText writes.
inline constexpr size_t kMaxValueTextChars =
    kMaxTimestampChars > kMaxFloatChars ? kMaxTimestampChars : kMaxFloatChars;

// The text of a non-null, non-string value as data files hold it (JSON and
// CSV sinks; strings and nulls are each format's own business): bool
// true/false, integers and durations in decimal (ms), floats in shortest
// round-trip form, timestamps ISO-8601 UTC. Returns the length. Inline: the
// writers call it per field.
inline size_t formatValueText(const WeirValue &v, uint8_t type, char *out) {
  switch (type) {
  case WEIR_BOOL: return formatBoolText(v.v.b != 0, out);
  case WEIR_INT64:
  case WEIR_DURATION: return formatInt64Text(v.v.i64, out);
  case WEIR_FLOAT64: return formatFloat64(v.v.f64, out);
  case WEIR_TIMESTAMP: return formatTimestamp(v.v.i64, out);
  }
  assert(false && "strings are written by each format itself");
  return 0;
}

// Input quoted in messages is cut to a readable length.
std::string truncateForMessage(std::string_view raw);
std::string quoteForMessage(std::string_view s); // "\"abc\"" (cut like above)

} // namespace weir::rt

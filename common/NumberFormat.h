// Number and duration text, shared by string() casts and the sink writers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace weir::rt {

inline constexpr size_t kMaxFloatChars = 32;

// Shortest text that reads back as exactly `v` (std::to_chars), always
// recognisable as a float: "1.0" rather than "1", "1e+20" as is. Non-finite
// values are written as "NaN", "Infinity", "-Infinity" (JSON sinks write
// null instead; see JsonWriter). Returns the length.
size_t formatFloat64(double v, char *out);

inline constexpr size_t kMaxDurationChars = 24;

// The largest unit that divides the duration exactly, in the language's
// literal syntax: "2d", "1h", "10m", "90s", "250ms", "-5s", "0ms".
size_t formatDuration(int64_t ms, char *out);

} // namespace weir::rt

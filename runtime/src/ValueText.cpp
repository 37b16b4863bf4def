#include "runtime/src/ValueText.h"

namespace weir::rt {

static_assert(WEIR_BOOL == static_cast<int>(TypeKind::Bool) &&
                  WEIR_INT64 == static_cast<int>(TypeKind::Int64) &&
                  WEIR_FLOAT64 == static_cast<int>(TypeKind::Float64) &&
                  WEIR_STRING == static_cast<int>(TypeKind::String) &&
                  WEIR_TIMESTAMP == static_cast<int>(TypeKind::Timestamp) &&
                  WEIR_DURATION == static_cast<int>(TypeKind::Duration),
              "WeirTypeCode mirrors TypeKind (typeName relies on it)");

std::string truncateForMessage(std::string_view raw) {
  constexpr size_t kMax = 60;
  if (raw.size() <= kMax)
    return std::string(raw);
  return std::string(raw.substr(0, kMax)) + "...";
}

std::string quoteForMessage(std::string_view s) { return "\"" + truncateForMessage(s) + "\""; }

bool parseTextValue(std::string_view t, uint8_t type, WeirValue &out, std::string &why) {
  bool ok = false;
  switch (type) {
  case WEIR_STRING:
    out.v.str = t.data();
    out.len = static_cast<uint32_t>(t.size());
    ok = true;
    break;
  case WEIR_INT64:
    ok = parseInt64Text(t, out.v.i64);
    break;
  case WEIR_DURATION:
    ok = parseDurationText(t, out.v.i64);
    break;
  case WEIR_FLOAT64:
    ok = parseFloat64Text(t, out.v.f64);
    break;
  case WEIR_BOOL: {
    bool b = false;
    ok = parseBoolText(t, b);
    out.v.b = b;
    break;
  }
  case WEIR_TIMESTAMP:
    if (!parseTimestampText(t, out.v.i64)) {
      why = "cannot parse timestamp " + quoteForMessage(t);
      return false;
    }
    ok = true;
    break;
  }
  if (!ok) {
    why = std::string("expected ") + typeName(type) + ", got " + quoteForMessage(t);
    return false;
  }
  out.is_null = 0;
  return true;
}

} // namespace weir::rt

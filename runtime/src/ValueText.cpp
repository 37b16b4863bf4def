#include "runtime/src/ValueText.h"

#include "runtime/src/RecordDecoder.h"
#include "common/TimeFormat.h"

#include <charconv>

namespace weir::rt {

const char *typeName(uint8_t typeCode) {
  switch (typeCode) {
  case WEIR_BOOL: return "bool";
  case WEIR_INT64: return "int64";
  case WEIR_FLOAT64: return "float64";
  case WEIR_STRING: return "string";
  case WEIR_TIMESTAMP: return "timestamp";
  case WEIR_DURATION: return "duration";
  }
  return "unknown type";
}

std::string truncateForMessage(std::string_view raw) {
  constexpr size_t kMax = 60;
  if (raw.size() <= kMax)
    return std::string(raw);
  return std::string(raw.substr(0, kMax)) + "...";
}

std::string quoteForMessage(std::string_view s) { return "\"" + truncateForMessage(s) + "\""; }

namespace {
bool parseInt(std::string_view t, int64_t &out) {
  if (t.size() > 1 && t[0] == '+' && t[1] != '-')
    t.remove_prefix(1);
  auto r = std::from_chars(t.data(), t.data() + t.size(), out);
  return !t.empty() && r.ec == std::errc() && r.ptr == t.data() + t.size();
}
} // namespace

bool parseTextValue(std::string_view t, uint8_t type, WeirValue &out, std::string &why) {
  bool ok = false;
  switch (type) {
  case WEIR_STRING:
    out.v.str = t.data();
    out.len = static_cast<uint32_t>(t.size());
    ok = true;
    break;
  case WEIR_INT64:
  case WEIR_DURATION:
    ok = parseInt(t, out.v.i64);
    break;
  case WEIR_FLOAT64: {
    std::string_view f = t;
    if (f.size() > 1 && f[0] == '+' && f[1] != '-')
      f.remove_prefix(1);
    auto r = std::from_chars(f.data(), f.data() + f.size(), out.v.f64);
    ok = !f.empty() && r.ec == std::errc() && r.ptr == f.data() + f.size();
    break;
  }
  case WEIR_BOOL:
    if (t == "true" || t == "TRUE" || t == "True" || t == "1") {
      out.v.b = 1;
      ok = true;
    } else if (t == "false" || t == "FALSE" || t == "False" || t == "0") {
      out.v.b = 0;
      ok = true;
    }
    break;
  case WEIR_TIMESTAMP:
    ok = parseTimestamp(t.data(), t.size(), out.v.i64) || parseInt(t, out.v.i64);
    if (!ok) {
      why = "cannot parse timestamp " + quoteForMessage(t);
      return false;
    }
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

#include "runtime/src/Trigger.h"

#include "common/NumberFormat.h"

#include <cctype>
#include <cstdlib>

namespace weir::rt {

bool parseDurationMs(const std::string &text, int64_t &ms) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  if (digits == 0 || digits > 12)
    return false;
  int64_t n = std::strtoll(text.substr(0, digits).c_str(), nullptr, 10);
  std::string unit = text.substr(digits);
  int64_t scale = unit == "ms" ? 1 : unit == "s" || unit.empty() ? 1000 : unit == "m" ? 60000
                  : unit == "h" ? 3600000 : 0;
  if (scale == 0 || n <= 0)
    return false;
  ms = n * scale;
  return true;
}

Status parseTrigger(const std::string &text, Trigger &out) {
  out = {};
  if (text.empty() || text == "available_now")
    return {};
  if (text == "realtime") {
    out.kind = Trigger::Kind::Realtime;
    return {};
  }
  if (text.rfind("every", 0) == 0) {
    std::string rest = text.substr(5);
    while (!rest.empty() && (rest[0] == ':' || rest[0] == ' ' || rest[0] == '='))
      rest.erase(0, 1);
    // The descriptor's "every:30000" is plain milliseconds.
    bool plainMs = !rest.empty() && rest.find_first_not_of("0123456789") == std::string::npos;
    int64_t ms = 0;
    if (plainMs ? (ms = std::strtoll(rest.c_str(), nullptr, 10)) > 0 : parseDurationMs(rest, ms)) {
      out.kind = Trigger::Kind::Every;
      out.everyMs = ms;
      return {};
    }
    return Status::config("trigger 'every' needs an interval, as in --trigger every 30s; got '" + text + "'");
  }
  return Status::config("unknown trigger '" + text + "': expected available_now, every <duration> or realtime");
}

std::string Trigger::text() const {
  switch (kind) {
  case Kind::AvailableNow: return "available_now";
  case Kind::Realtime: return "realtime";
  case Kind::Every: {
    char buf[kMaxDurationChars];
    return "every " + std::string(buf, formatDuration(everyMs, buf));
  }
  }
  return "?";
}

} // namespace weir::rt

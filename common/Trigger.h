// When a program's stages run: the file's `trigger` declaration (and, in the
// runtime, --trigger). One definition for the AST, the IR and the descriptor
// text the runtime reads (WeirProgramDesc::trigger). Header-only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace weir {

enum class TriggerKind : uint8_t {
  AvailableNow, // process what is there now, then exit (the default)
  Every,        // micro-batches every `everyMs`
  Realtime,     // continuous, per record
};

struct Trigger {
  TriggerKind kind = TriggerKind::AvailableNow;
  int64_t everyMs = 0; // Every only; > 0
};

// The words after `trigger` (`every` takes a duration).
constexpr std::string_view triggerKindName(TriggerKind k) {
  switch (k) {
  case TriggerKind::AvailableNow: return "available_now";
  case TriggerKind::Every: return "every";
  case TriggerKind::Realtime: return "realtime";
  }
  return "?";
}

// WeirProgramDesc::trigger: "available_now", "realtime" or "every:<ms>".
inline std::string triggerDescriptorText(const Trigger &t) {
  if (t.kind == TriggerKind::Every)
    return "every:" + std::to_string(t.everyMs);
  return std::string(triggerKindName(t.kind));
}

} // namespace weir

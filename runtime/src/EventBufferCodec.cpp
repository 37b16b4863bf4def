// The hook through which durable state saves rolling windows' per-key event
// buffers (WEIR_SLOT_EVENT_BUFFER slots, StateSerializer.h): the buffer's own
// codec (EventBuffer.h).
#include "runtime/src/EventBuffer.h"
#include "runtime/src/StateSerializer.h"

namespace weir::rt {

bool serializeEventBuffer(const void *buffer, std::string &out) {
  out = serializeEventBuffer(static_cast<const WeirEventBuffer *>(buffer));
  return true;
}

bool deserializeEventBuffer(std::string_view bytes, void **out) {
  *out = deserializeEventBuffer(bytes);
  return bytes.empty() || *out != nullptr;
}

} // namespace weir::rt

// The hook through which durable state saves rolling windows' per-key event
// buffers (WEIR_SLOT_EVENT_BUFFER slots, StateSerializer.h). Replace these
// two with the real codec where WeirEventBuffer is defined; until then a
// checkpoint of a rolling window fails with a clear message instead of
// writing something it could not read back.
#include "runtime/src/StateSerializer.h"

namespace weir::rt {

bool serializeEventBuffer(const void *buffer, std::string &out) {
  out.clear();
  return buffer == nullptr; // an empty buffer is the empty string
}

bool deserializeEventBuffer(std::string_view bytes, void **out) {
  *out = nullptr;
  return bytes.empty();
}

} // namespace weir::rt

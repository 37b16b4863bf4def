// WeirEventBuffer (runtime.h, "rolling windows"): one key's recent rows in
// event-time order, and its checkpoint form.
#pragma once

#include "weir/runtime.h"

#include <string>
#include <string_view>

namespace weir::rt {

// A self-contained byte string (rows, times, strings inline) and back. A
// null buffer serializes to an empty string.
std::string serializeEventBuffer(const WeirEventBuffer *buf);
WeirEventBuffer *deserializeEventBuffer(std::string_view bytes);

} // namespace weir::rt

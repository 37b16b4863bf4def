// Error reporting inside the runtime. Fallible C ABI calls return a
// WeirStatus; the message goes into the ErrorSlot of the task that made the
// call, and the driver prints it. Out-of-memory is not recoverable here (the
// generated code has no way to unwind) and aborts with a message.
#pragma once

#include "weir/runtime.h"

#include <string>

namespace weir::rt {

struct ErrorSlot {
  WeirStatus status = WEIR_OK;
  std::string message;

  WeirStatus set(WeirStatus s, std::string msg) {
    // The first error wins: later ones are usually consequences.
    if (status == WEIR_OK) {
      status = s;
      message = std::move(msg);
    }
    return s;
  }
  bool failed() const { return status < 0; }
};

[[noreturn]] void fatalOutOfMemory();

// "No such file or directory" for errno.
std::string errnoText(int err);

} // namespace weir::rt

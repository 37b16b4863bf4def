// Error reporting inside the runtime: one convention.
//
// - Internal C++ functions that can fail return a Status: ok, or a
//   WeirStatus code and the message for the user. The callee that knows what
//   went wrong picks the code and writes the whole message; callers add
//   context with withContext() and pass it up unchanged otherwise.
// - Across the C ABI (weir_* functions, called by generated code) only the
//   WeirStatus code travels; the message goes into the ErrorSlot of the task,
//   cursor or sink that made the call, and the driver prints it.
// - A Status that is ok holds an empty std::string, so returning one
//   allocates nothing. Per-record paths do not return one all the same:
//   RecordDecoder::next returns a DecodeOutcome and keeps the reason in the
//   decoder, parseCsvRecord and parseTextValue return a code with a `why`
//   they fill only for a bad record, so decoding stays a switch on a small
//   enum. That is the one deliberate exception.
// - Option parsing (parseOptions) answers Run / Help / Error with a text:
//   help is not an error.
// - Out-of-memory is not recoverable here (the generated code has no way to
//   unwind) and aborts with a message; invariants are asserts.
#pragma once

#include "weir/runtime.h"

#include <string>
#include <string_view>
#include <utility>

namespace weir::rt {

class [[nodiscard]] Status {
public:
  // Ok.
  Status() = default;
  static Status error(WeirStatus code, std::string message) {
    Status s;
    s.code_ = code;
    s.message_ = std::move(message);
    return s;
  }
  static Status io(std::string message) { return error(WEIR_ERR_IO, std::move(message)); }
  static Status config(std::string message) { return error(WEIR_ERR_CONFIG, std::move(message)); }

  bool ok() const { return code_ == WEIR_OK; }
  WeirStatus code() const { return code_; }
  const std::string &message() const { return message_; }

  // "context: message", the code unchanged (an ok Status stays ok).
  Status withContext(std::string_view context) && {
    if (!ok())
      message_.insert(0, std::string(context) + ": ");
    return std::move(*this);
  }

private:
  WeirStatus code_ = WEIR_OK;
  std::string message_;
};

// The first error of a task, cursor or sink writer. C ABI calls return its
// code to generated code; the driver reads the message after the call.
class ErrorSlot {
public:
  // Returns s's code (what the failing call returns to its caller).
  WeirStatus set(Status s) {
    WeirStatus code = s.code();
    // The first error wins: later ones are usually consequences.
    if (first_.ok())
      first_ = std::move(s);
    return code;
  }
  WeirStatus set(WeirStatus code, std::string message) {
    return set(Status::error(code, std::move(message)));
  }
  const Status &status() const { return first_; }
  WeirStatus code() const { return first_.code(); }
  const std::string &message() const { return first_.message(); }
  bool failed() const { return first_.code() < 0; }

private:
  Status first_;
};

[[noreturn]] void fatalOutOfMemory();

// "No such file or directory" for errno.
std::string errnoText(int err);

} // namespace weir::rt

// What a source does with a malformed record: on_error = "fail" (stop with an
// error naming file, line and field), "skip" (count it and go on) or
// "dead_letter:PATH" (append it with the reason to PATH as a JSON line and go
// on).
#pragma once

#include "runtime/src/ByteBuffer.h"
#include "runtime/src/Status.h"
#include "common/ErrorPolicyText.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace weir::rt {

using OnError = weir::OnErrorMode; // parsed by common/ErrorPolicyText

struct ErrorPolicy {
  OnError mode = OnError::Fail;
  std::string deadLetterPath;
};

// Parses the on_error text; an empty or null text means "fail".
bool parseErrorPolicy(const char *text, ErrorPolicy &out, std::string &error);

// {"source":"txns","file":"data/txns.jsonl","line":17,"reason":"...","raw":"..."}\n
void appendDeadLetter(ByteBuffer &out, std::string_view source, std::string_view file,
                      uint64_t line, std::string_view reason, std::string_view raw);

// Appends `bytes` to the file at `path` (created with its parent directories
// when missing).
Status appendToFile(const std::string &path, std::string_view bytes);

} // namespace weir::rt

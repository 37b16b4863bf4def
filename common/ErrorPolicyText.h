// The text of a source's on_error option, parsed in one place for the
// frontend (which checks it and reports errors as diagnostics) and the
// runtime (which reads it from the compiled program or --source overrides).
#pragma once

#include <string_view>

namespace weir {

// What a source does with a malformed record.
enum class OnErrorMode { Fail, Skip, DeadLetter };

enum class OnErrorParse {
  Ok,
  MissingPath, // "dead_letter" or "dead_letter:" without a file
  Unknown,
};

struct OnErrorSpec {
  OnErrorMode mode = OnErrorMode::Fail;
  std::string_view deadLetterPath; // a view into the parsed text (DeadLetter only)
};

// The accepted spellings, for messages.
inline constexpr const char *kOnErrorChoices = "\"fail\", \"skip\" or \"dead_letter:PATH\"";

// Parses "fail", "skip" or "dead_letter:PATH". The empty text is not an
// option value: callers that give it a meaning (the runtime's "no option")
// handle it before calling.
OnErrorParse parseOnError(std::string_view text, OnErrorSpec &out);

// The mode's spelling ("fail", "skip", "dead_letter"), for reports.
const char *onErrorModeName(OnErrorMode mode);

} // namespace weir

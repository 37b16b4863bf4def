#include "common/ErrorPolicyText.h"

namespace weir {

OnErrorParse parseOnError(std::string_view text, OnErrorSpec &out) {
  constexpr std::string_view kDeadLetter = "dead_letter:";
  if (text == "fail") {
    out = {OnErrorMode::Fail, {}};
    return OnErrorParse::Ok;
  }
  if (text == "skip") {
    out = {OnErrorMode::Skip, {}};
    return OnErrorParse::Ok;
  }
  if (text.starts_with(kDeadLetter) && text.size() > kDeadLetter.size()) {
    out = {OnErrorMode::DeadLetter, text.substr(kDeadLetter.size())};
    return OnErrorParse::Ok;
  }
  if (text == "dead_letter" || text == kDeadLetter)
    return OnErrorParse::MissingPath;
  return OnErrorParse::Unknown;
}

const char *onErrorModeName(OnErrorMode mode) {
  switch (mode) {
  case OnErrorMode::Fail: return "fail";
  case OnErrorMode::Skip: return "skip";
  case OnErrorMode::DeadLetter: return "dead_letter";
  }
  return "fail";
}

} // namespace weir

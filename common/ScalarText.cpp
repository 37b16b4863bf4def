#include "common/ScalarText.h"

namespace weir::rt {

bool parseDurationWithUnit(std::string_view s, int64_t &ms) {
  struct Unit { const char *suffix; int64_t ms; };
  // "ms" before "m" and "s": the longest suffix that matches wins.
  static const Unit kUnits[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
  for (const Unit &u : kUnits) {
    std::string_view suffix = u.suffix;
    if (s.size() <= suffix.size() || !s.ends_with(suffix))
      continue;
    std::string_view digits = s.substr(0, s.size() - suffix.size());
    if (isScalarSpace(digits.back())) // "5 s" is not a literal
      return false;
    int64_t count = 0;
    if (!parseInt64Text(digits, count))
      return false;
    return !__builtin_mul_overflow(count, u.ms, &ms);
  }
  return false;
}

} // namespace weir::rt

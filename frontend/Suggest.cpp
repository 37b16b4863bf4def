#include "frontend/Suggest.h"

#include <algorithm>

namespace weir {

std::string closestMatch(llvm::StringRef name, llvm::ArrayRef<std::string> candidates) {
  // Clang's typo-correction budget: about a third of the name's length.
  unsigned budget = std::max<unsigned>(1, (static_cast<unsigned>(name.size()) + 2) / 3);
  std::string best;
  unsigned bestDistance = budget + 1;
  // Edit distance is quadratic in the lengths: long names get no suggestion.
  constexpr size_t kMaxLength = 64;
  if (name.size() > kMaxLength)
    return best;
  for (const std::string &candidate : candidates) {
    size_t lengthDifference = candidate.size() > name.size() ? candidate.size() - name.size()
                                                             : name.size() - candidate.size();
    if (candidate == name || candidate.size() > kMaxLength || lengthDifference > budget)
      continue;
    unsigned d = name.edit_distance(candidate, /*AllowReplacements=*/true, bestDistance);
    // Case-only differences are always worth suggesting.
    if (name.equals_insensitive(candidate))
      d = 0;
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

std::string didYouMean(llvm::StringRef name, llvm::ArrayRef<std::string> candidates) {
  std::string match = closestMatch(name, candidates);
  return match.empty() ? "" : "; did you mean '" + match + "'?";
}

} // namespace weir

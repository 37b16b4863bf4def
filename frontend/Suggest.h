// "Did you mean ...?" suggestions for misspelled names.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace weir {

// The candidate closest to `name` by edit distance, if it is close enough to
// be a plausible typo; empty otherwise.
std::string closestMatch(llvm::StringRef name, llvm::ArrayRef<std::string> candidates);

// "; did you mean 'x'?" or "".
std::string didYouMean(llvm::StringRef name, llvm::ArrayRef<std::string> candidates);

} // namespace weir

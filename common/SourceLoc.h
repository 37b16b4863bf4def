// Where a construct stands in a pipeline file: carried from the AST into the IR
// so that diagnostics after the frontend can still point at the source.
#pragma once

#include <cstdint>

namespace weir {

// Source position of a construct, 1-based; line 0 means "no location".
struct SourceLoc {
  uint32_t line = 0;
  uint32_t col = 0;
};

} // namespace weir

// The runtime's entry points by name and address, for the JIT: generated code
// resolves them against this one table instead of the process's symbols.
#pragma once

#include <utility>
#include <vector>

namespace weir::codegen {

std::vector<std::pair<const char *, void *>> runtimeSymbols();

} // namespace weir::codegen

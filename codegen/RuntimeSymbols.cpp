#include "codegen/RuntimeSymbols.h"

#include "weir/runtime.h"

#include <cstring>

namespace weir::codegen {

std::vector<std::pair<const char *, void *>> runtimeSymbols() {
  return {
#define WEIR_RUNTIME_FN(name, effects) {#name, reinterpret_cast<void *>(&name)},
#include "codegen/RuntimeFunctions.def"
  };
}

} // namespace weir::codegen

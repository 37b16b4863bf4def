// Links an object file emitted for a program with the runtime library into a
// standalone executable, through the clang driver the project was configured
// with (it knows the host's C++ runtime and start files).
#pragma once

#include "llvm/Support/Error.h"

#include <string>

namespace weir::codegen {

llvm::Error linkExecutable(const std::string &objectPath, const std::string &outputPath);

} // namespace weir::codegen

// Machine code out of an optimized module: assembly text or an object file.
#pragma once

#include "llvm/Support/Error.h"

namespace llvm {
class Module;
class TargetMachine;
class raw_pwrite_stream;
} // namespace llvm

namespace weir::codegen {

enum class ObjectKind { Assembly, Object };

llvm::Error emitMachineCode(llvm::Module &module, llvm::TargetMachine &machine, ObjectKind kind,
                            llvm::raw_pwrite_stream &out);

} // namespace weir::codegen

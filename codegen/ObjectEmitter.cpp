#include "codegen/ObjectEmitter.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace llvm;

namespace weir::codegen {

Error emitMachineCode(Module &module, TargetMachine &machine, ObjectKind kind, raw_pwrite_stream &out) {
  // Code emission still runs on the legacy pass manager in LLVM 19.
  legacy::PassManager passes;
  CodeGenFileType type = kind == ObjectKind::Assembly ? CodeGenFileType::AssemblyFile
                                                      : CodeGenFileType::ObjectFile;
  if (machine.addPassesToEmitFile(passes, out, nullptr, type))
    return createStringError(inconvertibleErrorCode(), "the target cannot emit this kind of file");
  passes.run(module);
  out.flush();
  return Error::success();
}

} // namespace weir::codegen

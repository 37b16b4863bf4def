// The host target machine and LLVM's standard optimization pipeline.
#include "codegen/Codegen.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

using namespace llvm;

namespace weir::codegen {

Expected<std::unique_ptr<TargetMachine>> createHostTargetMachine(int optLevel, bool forObjectFile) {
  static bool initialized = [] {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
    InitializeNativeTargetAsmParser();
    return true;
  }();
  (void)initialized;
  auto builder = orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  builder->setCodeGenOptLevel(optLevel == 0 ? CodeGenOptLevel::None : CodeGenOptLevel::Default);
  if (forObjectFile)
    builder->setRelocationModel(Reloc::PIC_);
  return builder->createTargetMachine();
}

Error optimizeModule(Module &module, TargetMachine &machine, int optLevel) {
  module.setDataLayout(machine.createDataLayout());
  module.setTargetTriple(machine.getTargetTriple().str());
  if (verifyModule(module, &errs()))
    return createStringError(inconvertibleErrorCode(), "generated module failed verification");

  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  PassBuilder passes(&machine);
  passes.registerModuleAnalyses(mam);
  passes.registerCGSCCAnalyses(cgam);
  passes.registerFunctionAnalyses(fam);
  passes.registerLoopAnalyses(lam);
  passes.crossRegisterProxies(lam, fam, cgam, mam);
  ModulePassManager pipeline = optLevel == 0
                                   ? passes.buildO0DefaultPipeline(OptimizationLevel::O0)
                                   : passes.buildPerModuleDefaultPipeline(OptimizationLevel::O2);
  pipeline.run(module, mam);
  return Error::success();
}

} // namespace weir::codegen

// The host target machine and the optimization pipeline for generated stages.
#include "codegen/Codegen.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/GVN.h"
#include "llvm/Transforms/Scalar/SROA.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"

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

// -O2 for generated stages. LLVM's default O2 module pipeline spends most of
// its time on what these functions do not have (calls to inline, loops to
// vectorize: each loop iteration calls the runtime); measured on
// examples/flagship with callgrind it cost 92M instructions more than this
// function pipeline, for the same run time of the per_user benchmark.
static ModulePassManager stagePipeline() {
  FunctionPassManager fpm;
  fpm.addPass(SROAPass(SROAOptions::ModifyCFG)); // string out-params, status slots -> SSA
  fpm.addPass(EarlyCSEPass(/*UseMemorySSA=*/true));
  fpm.addPass(InstCombinePass());
  fpm.addPass(SimplifyCFGPass());
  fpm.addPass(GVNPass()); // loads of hash-table fields and null bits
  fpm.addPass(InstCombinePass());
  fpm.addPass(SimplifyCFGPass());
  ModulePassManager mpm;
  mpm.addPass(createModuleToFunctionPassAdaptor(std::move(fpm)));
  return mpm;
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
  ModulePassManager pipeline = optLevel == 0 ? passes.buildO0DefaultPipeline(OptimizationLevel::O0)
                                              : stagePipeline();
  pipeline.run(module, mam);
  return Error::success();
}

} // namespace weir::codegen

#include "codegen/Jit.h"

#include "codegen/RuntimeSymbols.h"

#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"

using namespace llvm;
using namespace llvm::orc;

namespace weir::codegen {

Expected<std::unique_ptr<Jit>> Jit::create(int optLevel, ObjectCache *cache) {
  InitializeNativeTarget();
  InitializeNativeTargetAsmPrinter();
  auto machine = JITTargetMachineBuilder::detectHost();
  if (!machine)
    return machine.takeError();
  // The IR is optimized before it gets here (codegen/Optimizer.cpp); the JIT
  // selects instructions like `weir build` does (SelectionDAG at -O2,
  // FastISel at -O0), so `weir run` runs the code a built binary runs.
  // With FastISel at -O2 Nexmark q5 took 3.4 s JIT against 2.2 s built, q7
  // and YSB 1.2-1.5x the binary; SelectionDAG costs ~30 ms more per run
  // (q5: 8 -> 39 ms of JIT time), which the runs this is for repay, and
  // `--cache-dir` skips it when a program runs again.
  machine->setCodeGenOptLevel(optLevel == 0 ? CodeGenOptLevel::None : CodeGenOptLevel::Default);
  LLJITBuilder builder;
  builder.setJITTargetMachineBuilder(std::move(*machine));
  if (cache) // hand each compiled object to the cache
    builder.setCompileFunctionCreator(
        [cache](JITTargetMachineBuilder jtmb) -> Expected<std::unique_ptr<IRCompileLayer::IRCompiler>> {
          auto tm = jtmb.createTargetMachine();
          if (!tm)
            return tm.takeError();
          return std::make_unique<TMOwningSimpleCompiler>(std::move(*tm), cache);
        });
  auto jit = builder.create();
  if (!jit)
    return jit.takeError();

  JITDylib &main = (*jit)->getMainJITDylib();
  SymbolMap symbols;
  for (auto &[name, address] : runtimeSymbols())
    symbols[(*jit)->mangleAndIntern(name)] = {ExecutorAddr::fromPtr(address), JITSymbolFlags::Exported};
  if (Error e = main.define(absoluteSymbols(std::move(symbols))))
    return std::move(e);
  // libm and libc functions LLVM itself may call (memcpy, pow, ...).
  auto process = DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return process.takeError();
  main.addGenerator(std::move(*process));
  return std::unique_ptr<Jit>(new Jit(std::move(*jit)));
}

Error Jit::addModule(ThreadSafeModule module) { return jit_->addIRModule(std::move(module)); }

Error Jit::addObject(std::unique_ptr<MemoryBuffer> object) { return jit_->addObjectFile(std::move(object)); }

Expected<void *> Jit::lookup(StringRef name) {
  auto address = jit_->lookup(name);
  if (!address)
    return address.takeError();
  return address->toPtr<void *>();
}

} // namespace weir::codegen

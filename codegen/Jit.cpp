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
  // then selects instructions with FastISel. Measured on the per_user
  // benchmark, SelectionDAG's better code made no difference to the run time
  // (the loop's time goes to runtime calls and hash-table misses) but tripled
  // the JIT's share of compile time. Built binaries use the full selector.
  (void)optLevel;
  machine->setCodeGenOptLevel(CodeGenOptLevel::None);
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

// A small ORC LLJIT wrapper: runtime symbols come from one table
// (RuntimeSymbols.cpp), C library symbols from the process.
#pragma once

#include "llvm/ExecutionEngine/ObjectCache.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace weir::codegen {

class Jit {
public:
  // With a cache, every object the JIT compiles is handed to it.
  static llvm::Expected<std::unique_ptr<Jit>> create(int optLevel, llvm::ObjectCache *cache = nullptr);

  llvm::Error addModule(llvm::orc::ThreadSafeModule module);
  // An object compiled earlier (StageObjectCache).
  llvm::Error addObject(std::unique_ptr<llvm::MemoryBuffer> object);
  // The address of a symbol the added modules define.
  llvm::Expected<void *> lookup(llvm::StringRef name);
  const llvm::DataLayout &dataLayout() const { return jit_->getDataLayout(); }

private:
  explicit Jit(std::unique_ptr<llvm::orc::LLJIT> jit) : jit_(std::move(jit)) {}
  std::unique_ptr<llvm::orc::LLJIT> jit_;
};

} // namespace weir::codegen

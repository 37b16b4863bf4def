// A directory of JIT-compiled objects, one per generated module, so that
// running an unchanged program again skips LLVM's optimization and machine
// code generation (`weir run --cache-dir DIR`). Most of a large program's
// compile time is there: a file with 100 feature pipelines spends well over
// 90% of it in llvm-opt and the JIT.
//
// The key is a hash of the module as generated (before optimization), the
// optimization level and the LLVM version: the module text holds everything
// the object is made from, the runtime's struct layouts and ABI version
// included, so equal keys mean equal objects. Objects are written to a
// temporary file and renamed, so a concurrent run never reads half a file.
#pragma once

#include "llvm/ExecutionEngine/ObjectCache.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace weir::codegen {

class StageObjectCache final : public llvm::ObjectCache {
public:
  // `module` is the unoptimized module about to be compiled.
  StageObjectCache(std::string dir, const llvm::Module &module, int optLevel);

  // The object compiled earlier for this module, or null.
  std::unique_ptr<llvm::MemoryBuffer> lookup() const;
  const std::string &key() const { return key_; }

  // llvm::ObjectCache: stores what the JIT compiled (failures to write are
  // ignored: the cache is only an accelerator); hits are served by lookup().
  void notifyObjectCompiled(const llvm::Module *module, llvm::MemoryBufferRef object) override;
  std::unique_ptr<llvm::MemoryBuffer> getObject(const llvm::Module *) override { return nullptr; }

private:
  std::string path() const;
  std::string dir_, key_;
};

} // namespace weir::codegen

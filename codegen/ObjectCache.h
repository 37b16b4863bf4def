// A directory of JIT-compiled objects, one per generated module, so that
// running an unchanged program again skips LLVM's optimization and machine
// code generation (`weir run --cache-dir DIR`). Most of a large program's
// compile time is there: a file with 100 feature pipelines spends well over
// 90% of it in llvm-opt and the JIT.
//
// The key is a hash of what the object is made from: the program's text,
// the compile options, the compiler itself (its executable's path, size and
// modification time: a rebuilt weir never reuses an older one's objects, as
// ccache's compiler_check=mtime), the LLVM version and the host processor
// the JIT compiles for. It is computed after the front end has checked the
// program (diagnostics are printed as always) and before code generation,
// so a hit skips codegen, LLVM's optimization and machine code generation.
// Objects are written to a temporary file and renamed, so a concurrent run
// never reads half a file.
#pragma once

#include "llvm/ExecutionEngine/ObjectCache.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace weir::codegen {

class StageObjectCache final : public llvm::ObjectCache {
public:
  // `options` spells every compile option that changes the code (-O, --no-fuse, ...).
  StageObjectCache(std::string dir, llvm::StringRef programText, llvm::StringRef options);

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

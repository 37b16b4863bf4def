#include "codegen/ObjectCache.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace weir::codegen {

StageObjectCache::StageObjectCache(std::string dir, StringRef programText, StringRef options)
    : dir_(std::move(dir)) {
  SHA256 hash;
  auto field = [&](StringRef text) { // length-prefixed, so fields cannot run into each other
    hash.update(std::to_string(text.size()) + ":");
    hash.update(text);
  };
  field("weir-object-v1 llvm-" LLVM_VERSION_STRING);
  // The JIT compiles for the host's processor.
  field(sys::getProcessTriple() + " " + sys::getHostCPUName().str());
  std::string exe = sys::fs::getMainExecutable(nullptr, nullptr);
  sys::fs::file_status status;
  field(exe);
  if (!sys::fs::status(exe, status))
    field(std::to_string(status.getSize()) + " " +
          std::to_string(status.getLastModificationTime().time_since_epoch().count()));
  field(options);
  field(programText);
  std::array<uint8_t, 32> digest = hash.final();
  key_ = toHex(ArrayRef<uint8_t>(digest.data(), 16), /*LowerCase=*/true);
}

std::string StageObjectCache::path() const {
  SmallString<256> p(dir_);
  sys::path::append(p, key_ + ".o");
  return std::string(p);
}

std::unique_ptr<MemoryBuffer> StageObjectCache::lookup() const {
  auto buffer = MemoryBuffer::getFile(path(), /*IsText=*/false, /*RequiresNullTerminator=*/false);
  return buffer ? std::move(*buffer) : nullptr;
}

void StageObjectCache::notifyObjectCompiled(const Module *, MemoryBufferRef object) {
  if (sys::fs::create_directories(dir_))
    return;
  SmallString<256> temp;
  int fd = -1;
  if (sys::fs::createUniqueFile(path() + ".tmp-%%%%%%", fd, temp))
    return;
  {
    raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << object.getBuffer();
    if (out.has_error()) {
      out.clear_error();
      sys::fs::remove(temp);
      return;
    }
  }
  if (sys::fs::rename(temp, path()))
    sys::fs::remove(temp);
}

} // namespace weir::codegen

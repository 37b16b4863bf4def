#include "codegen/ObjectCache.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace weir::codegen {

namespace {
// Hashes what is printed into it, without keeping the text.
class HashingStream final : public raw_ostream {
public:
  explicit HashingStream(SHA256 &hash) : hash_(hash) { SetUnbuffered(); }

private:
  void write_impl(const char *ptr, size_t size) override {
    hash_.update(StringRef(ptr, size));
    pos_ += size;
  }
  uint64_t current_pos() const override { return pos_; }
  SHA256 &hash_;
  uint64_t pos_ = 0;
};
} // namespace

StageObjectCache::StageObjectCache(std::string dir, const Module &module, int optLevel)
    : dir_(std::move(dir)) {
  SHA256 hash;
  hash.update("weir-object-v1 llvm-" LLVM_VERSION_STRING " O");
  hash.update(std::to_string(optLevel));
  // The JIT compiles for the host's processor.
  hash.update(" " + sys::getProcessTriple() + " " + sys::getHostCPUName().str());
  {
    HashingStream os(hash);
    module.print(os, nullptr);
  }
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

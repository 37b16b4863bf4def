// Strings owned by aggregate state (min/max/first/last of strings). The
// capacity is kept in a hidden 8-byte header before the bytes, because WeirStr
// ({ptr, len}) has no room for it and reassignments should reuse memory.
#include "runtime/src/Status.h"
#include "weir/runtime.h"

#include <cstdlib>
#include <cstring>

namespace {
constexpr size_t kHeader = sizeof(uint64_t);

uint64_t &capacityOf(const char *ptr) {
  return *reinterpret_cast<uint64_t *>(const_cast<char *>(ptr) - kHeader);
}
} // namespace

extern "C" {

void weir_owned_str_assign(WeirStr *dst, const char *src, int64_t len) {
  size_t n = len > 0 ? static_cast<size_t>(len) : 0;
  if (!dst->ptr || capacityOf(dst->ptr) < n) {
    weir_owned_str_free(dst);
    size_t capacity = n < 16 ? 16 : n;
    char *block = static_cast<char *>(std::malloc(kHeader + capacity));
    if (!block)
      weir::rt::fatalOutOfMemory();
    dst->ptr = block + kHeader;
    capacityOf(dst->ptr) = capacity;
  }
  if (n > 0)
    std::memmove(const_cast<char *>(dst->ptr), src, n);
  dst->len = static_cast<int64_t>(n);
}

void weir_owned_str_free(WeirStr *s) {
  if (s->ptr)
    std::free(const_cast<char *>(s->ptr) - kHeader);
  s->ptr = nullptr;
  s->len = 0;
}

} // extern "C"

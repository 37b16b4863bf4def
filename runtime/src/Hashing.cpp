// xxHash3, inlined (header-only use of xxhash.h) so built binaries need no
// libxxhash at link time.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "weir/runtime.h"

extern "C" {

uint64_t weir_hash_bytes(const char *ptr, int64_t len, uint64_t seed) {
  return XXH3_64bits_withSeed(ptr, static_cast<size_t>(len), seed);
}

uint64_t weir_hash_u64(uint64_t value, uint64_t seed) {
  return XXH3_64bits_withSeed(&value, sizeof value, seed);
}

} // extern "C"

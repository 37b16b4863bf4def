// WeirArena: a bump allocator. Scratch arenas hold a record's computed
// strings and are reset after each record; hash tables own one for their keys'
// bytes for the table's lifetime.
#pragma once

#include "weir/runtime.h"

#include <cstddef>
#include <vector>

struct WeirArena {
  WeirArena() = default;
  explicit WeirArena(size_t firstChunkBytes) : nextChunkBytes(firstChunkBytes) {}
  ~WeirArena();
  WeirArena(const WeirArena &) = delete;
  WeirArena &operator=(const WeirArena &) = delete;

  void *allocate(size_t bytes) {
    // Never hands out null, even for 0 bytes (memcpy/memcmp forbid it).
    bytes = bytes == 0 ? 8 : (bytes + 7) & ~size_t(7);
    if (static_cast<size_t>(end - cur) < bytes)
      return allocateSlow(bytes);
    void *p = cur;
    cur += bytes;
    return p;
  }
  // Keeps one chunk as large as everything the arena held, so a steady
  // per-record workload stops allocating after the first few records.
  void reset();
  size_t bytesReserved() const { return reserved; }

private:
  void *allocateSlow(size_t bytes);

  char *cur = nullptr;
  char *end = nullptr;
  std::vector<char *> chunks;
  size_t reserved = 0;
  size_t nextChunkBytes = 4096;
};

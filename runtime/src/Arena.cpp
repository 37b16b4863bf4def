#include "runtime/src/Arena.h"

#include <cstdlib>

#include "runtime/src/Status.h"

WeirArena::~WeirArena() {
  for (char *c : chunks)
    std::free(c);
}

void *WeirArena::allocateSlow(size_t bytes) {
  size_t size = nextChunkBytes;
  while (size < bytes)
    size *= 2;
  char *chunk = static_cast<char *>(std::malloc(size));
  if (!chunk)
    weir::rt::fatalOutOfMemory();
  chunks.push_back(chunk);
  reserved += size;
  nextChunkBytes = size * 2 < (64u << 20) ? size * 2 : size;
  cur = chunk + bytes;
  end = chunk + size;
  return chunk;
}

void WeirArena::reset() {
  if (chunks.size() > 1) {
    size_t total = reserved;
    for (char *c : chunks)
      std::free(c);
    chunks.clear();
    reserved = 0;
    char *chunk = static_cast<char *>(std::malloc(total));
    if (!chunk)
      weir::rt::fatalOutOfMemory();
    chunks.push_back(chunk);
    reserved = total;
    cur = chunk;
    end = chunk + total;
    return;
  }
  if (!chunks.empty())
    cur = chunks.front();
}

extern "C" {

void *weir_arena_alloc(WeirArena *arena, int64_t bytes) {
  return arena->allocate(bytes > 0 ? static_cast<size_t>(bytes) : 0);
}

void weir_arena_reset(WeirArena *arena) { arena->reset(); }

} // extern "C"

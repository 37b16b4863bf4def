#include "runtime/src/ByteBuffer.h"

#include "runtime/src/Status.h"

namespace weir::rt {

void ByteBuffer::grow(size_t n) {
  size_t capacity = capacity_ ? capacity_ * 2 : 4096;
  while (capacity - size_ < n)
    capacity *= 2;
  char *grown = static_cast<char *>(std::realloc(data_, capacity));
  if (!grown)
    fatalOutOfMemory();
  data_ = grown;
  capacity_ = capacity;
}

namespace {
// 0: copy; otherwise the character after the backslash ('u' for \u00XX).
constexpr unsigned char kEscape[256] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    0,   0,   '"', 0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
    0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   '\\', 0,  0,   0,
};
} // namespace

void appendJsonString(ByteBuffer &out, const char *s, size_t n) {
  // Worst case: every byte becomes \u00XX.
  char *w = out.reserve(n * 6 + 2);
  char *start = w;
  *w++ = '"';
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    unsigned char e = kEscape[c];
    if (!e) {
      *w++ = static_cast<char>(c);
    } else if (e != 'u') {
      *w++ = '\\';
      *w++ = static_cast<char>(e);
    } else {
      static const char kHex[] = "0123456789abcdef";
      std::memcpy(w, "\\u00", 4);
      w[4] = kHex[c >> 4];
      w[5] = kHex[c & 15];
      w += 6;
    }
  }
  *w++ = '"';
  out.commit(static_cast<size_t>(w - start));
}

} // namespace weir::rt

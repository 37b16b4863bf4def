// A growable byte buffer for output rows, with the JSON string escaping that
// the JSON writer and the dead-letter log share.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace weir::rt {

class ByteBuffer {
public:
  ByteBuffer() = default;
  ~ByteBuffer() { std::free(data_); }
  ByteBuffer(const ByteBuffer &) = delete;
  ByteBuffer &operator=(const ByteBuffer &) = delete;

  // Room for `n` more bytes; write them at the returned pointer, then commit.
  char *reserve(size_t n) {
    if (capacity_ - size_ < n)
      grow(n);
    return data_ + size_;
  }
  void commit(size_t n) { size_ += n; }
  void append(const char *p, size_t n) {
    if (n == 0)
      return;
    std::memcpy(reserve(n), p, n);
    size_ += n;
  }
  void append(std::string_view s) { append(s.data(), s.size()); }
  void push(char c) {
    *reserve(1) = c;
    ++size_;
  }
  const char *data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  void truncate(size_t n) {
    if (n < size_)
      size_ = n;
  }
  std::string_view view() const { return {data_ ? data_ : "", size_}; }

private:
  void grow(size_t n);
  char *data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Appends `s` as a JSON string literal, quotes included: ", \ and control
// characters are escaped; other bytes (UTF-8) are copied as they are.
void appendJsonString(ByteBuffer &out, const char *s, size_t n);

} // namespace weir::rt

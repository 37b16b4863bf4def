// Reads a byte range of a file in large chunks of whole lines, into a buffer
// with simdjson's padding after the data: the hand-written baselines' input
// (bounded memory, one pread per 8 MiB).
#pragma once

#include <simdjson.h>

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace weir_bench {

class LineChunks {
public:
  LineChunks(int fd, uint64_t begin, uint64_t end) : fd_(fd), pos_(begin), end_(end) {
    buf_.resize(kChunk + simdjson::SIMDJSON_PADDING);
  }
  // The next run of complete lines (the last one of the range may lack '\n').
  bool next(const char *&data, size_t &len) {
    if (carry_ > 0 && carryAt_ > 0)
      std::memmove(buf_.data(), buf_.data() + carryAt_, carry_);
    size_t have = carry_;
    carry_ = carryAt_ = 0;
    while (true) {
      size_t room = buf_.size() - simdjson::SIMDJSON_PADDING - have;
      size_t want = size_t(std::min<uint64_t>(room, end_ - pos_));
      ssize_t got = want ? ::pread(fd_, buf_.data() + have, want, off_t(pos_)) : 0;
      if (got < 0) {
        std::fprintf(stderr, "read: %s\n", std::strerror(errno));
        std::exit(1);
      }
      pos_ += uint64_t(got);
      have += size_t(got);
      if (pos_ >= end_ || got == 0) { // the range's tail
        data = buf_.data();
        len = have;
        return have > 0;
      }
      const void *nl = memrchr(buf_.data(), '\n', have);
      if (nl) {
        size_t upto = size_t(static_cast<const char *>(nl) - buf_.data()) + 1;
        carry_ = have - upto;
        carryAt_ = upto;
        data = buf_.data();
        len = upto;
        return true;
      }
      buf_.resize(buf_.size() * 2); // a line longer than the buffer
    }
  }

private:
  static constexpr size_t kChunk = 8 << 20;
  int fd_;
  uint64_t pos_, end_;
  std::vector<char> buf_;
  size_t carry_ = 0, carryAt_ = 0;
};

} // namespace weir_bench

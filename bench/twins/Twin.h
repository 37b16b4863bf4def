// What the hand-written twins of the streaming benchmarks share: the command
// line, a buffered output (stdout or a file), and JSON-lines formatting that
// writes exactly what Weir's JSON sink writes (same key order, integers,
// shortest round-trip floats with a '.', ISO-8601 timestamps, escaped
// strings), so bench/streaming.sh can diff the outputs.
//
// A twin is what a careful engineer would write for one query over the same
// generator (runtime/src/generators/*.h, included, so generation costs the
// same): one loop over event numbers, no virtual calls, flat hash tables.
#pragma once

#include "common/NumberFormat.h"
#include "common/TimeFormat.h"

#include <cmath>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>

namespace twin {

struct Args {
  std::string query;
  uint64_t events = 1000000;
  uint64_t rate = 0; // 0: the generator's default
  uint64_t seed = 0;
  std::string out = "-"; // "-": stdout; "discard": no output (DiscardOut)
};

[[noreturn]] inline void usage(const char *prog, const char *queries) {
  std::fprintf(stderr, "usage: %s QUERY [--events N] [--rate R] [--seed S] [--out PATH|-|discard]\n  QUERY: %s\n",
               prog, queries);
  std::exit(2);
}

inline Args parseArgs(int argc, char **argv, const char *queries) {
  Args a;
  if (argc < 2)
    usage(argv[0], queries);
  a.query = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    if (i + 1 >= argc)
      usage(argv[0], queries);
    const char *v = argv[++i];
    if (k == "--out") {
      a.out = v;
      continue;
    }
    uint64_t n = std::strtoull(v, nullptr, 10);
    if (k == "--events")
      a.events = n;
    else if (k == "--rate")
      a.rate = n;
    else if (k == "--seed")
      a.seed = n;
    else
      usage(argv[0], queries);
  }
  return a;
}

// JSON lines into a 1 MiB buffer, flushed with write(2).
class JsonOut {
public:
  explicit JsonOut(const std::string &path) {
    fd_ = path == "-" ? STDOUT_FILENO : ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd_ < 0) {
      std::perror(path.c_str());
      std::exit(1);
    }
    buf_ = w_ = static_cast<char *>(std::malloc(kCapacity));
  }
  ~JsonOut() {
    flush();
    if (fd_ != STDOUT_FILENO)
      ::close(fd_);
    std::free(buf_);
  }

  // `key` is the literal text before the value: "{\"auction\":" or ",\"price\":".
  template <size_t N> void key(const char (&k)[N]) { put(k, N - 1); }
  void i64(int64_t v) { w_ = std::to_chars(w_, w_ + 24, v).ptr; }
  void f64(double v) {
    if (!std::isfinite(v))
      put("null", 4);
    else
      w_ += weir::rt::formatFloat64(v, w_);
  }
  void timestamp(int64_t ms) {
    *w_++ = '"';
    w_ += weir::rt::formatTimestamp(ms, w_);
    *w_++ = '"';
  }
  void str(const char *s, size_t n) {
    *w_++ = '"';
    for (size_t i = 0; i < n; ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') {
        *w_++ = static_cast<char>(c);
        continue;
      }
      // Never taken by the generators' text; kept so the output is valid JSON.
      static const char kHex[] = "0123456789abcdef";
      const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\t' ? "\\t" : nullptr;
      if (e) {
        std::memcpy(w_, e, 2);
        w_ += 2;
      } else {
        std::memcpy(w_, "\\u00", 4);
        w_[4] = kHex[c >> 4];
        w_[5] = kHex[c & 15];
        w_ += 6;
      }
    }
    *w_++ = '"';
  }
  // Ends the row; `reserve` bounds the next row's size.
  void endRow(size_t reserve = 4096) {
    put("}\n", 2);
    if (static_cast<size_t>(w_ - buf_) + reserve > kCapacity)
      flush();
  }
  void flush() {
    const char *p = buf_;
    size_t n = static_cast<size_t>(w_ - buf_);
    while (n > 0) {
      ssize_t k = ::write(fd_, p, n);
      if (k < 0) {
        std::perror("write");
        std::exit(1);
      }
      p += k;
      n -= static_cast<size_t>(k);
    }
    w_ = buf_;
  }

private:
  void put(const char *s, size_t n) {
    std::memcpy(w_, s, n);
    w_ += n;
  }
  static constexpr size_t kCapacity = 1 << 20;
  int fd_;
  char *buf_;
  char *w_ = nullptr;

public:
  JsonOut(const JsonOut &) = delete;
  JsonOut &operator=(const JsonOut &) = delete;
};

// The twin of Weir's `sink discard()`: JsonOut's interface, but every value
// is only handed over (kept live, so it must be computed) and each row
// counted; nothing is formatted or written.
class DiscardOut {
public:
  template <size_t N> void key(const char (&)[N]) {}
  void i64(int64_t v) { keep(v); }
  void f64(double v) { keep(v); }
  void timestamp(int64_t ms) { keep(ms); }
  void str(const char *s, size_t n) {
    keep(s);
    keep(n);
  }
  void endRow(size_t = 0) { ++rows; }
  uint64_t rows = 0;

private:
  template <class T> static void keep(T v) { asm volatile("" : : "g"(v)); }
};

// An open-addressing map from int64 keys to dense indices 0, 1, 2, ... in
// first-seen order (the values live in the caller's vectors, indexed by
// them). Linear probing, power-of-two capacity, at most half full.
class DenseIndex {
public:
  explicit DenseIndex(size_t expected = 1024) {
    size_t cap = 16;
    while (cap < expected * 2)
      cap *= 2;
    resize(cap);
  }
  ~DenseIndex() { std::free(slots_); }
  DenseIndex(const DenseIndex &) = delete;
  DenseIndex &operator=(const DenseIndex &) = delete;

  // The key's index, adding it when new (`added` says so).
  uint32_t findOrAdd(int64_t key, bool &added) {
    for (size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
      Slot &s = slots_[i];
      if (s.index == kEmpty) {
        s = {key, size_};
        added = true;
        uint32_t index = size_++;
        if (size_ * 2 > mask_ + 1)
          resize((mask_ + 1) * 2);
        return index;
      }
      if (s.key == key) {
        added = false;
        return s.index;
      }
    }
  }
  // The key's index or kMissing.
  uint32_t find(int64_t key) const {
    for (size_t i = hash(key) & mask_;; i = (i + 1) & mask_) {
      const Slot &s = slots_[i];
      if (s.index == kEmpty)
        return kMissing;
      if (s.key == key)
        return s.index;
    }
  }
  uint32_t size() const { return size_; }
  void clear() {
    for (size_t i = 0; i <= mask_; ++i)
      slots_[i].index = kEmpty;
    size_ = 0;
  }
  static constexpr uint32_t kMissing = 0xFFFFFFFFu;

private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  struct Slot {
    int64_t key;
    uint32_t index;
  };
  static size_t hash(int64_t key) {
    uint64_t h = static_cast<uint64_t>(key) * 0x9E3779B97F4A7C15ull;
    return static_cast<size_t>(h ^ (h >> 29));
  }
  void resize(size_t cap) {
    Slot *old = slots_;
    size_t oldCap = old ? mask_ + 1 : 0;
    slots_ = static_cast<Slot *>(std::malloc(cap * sizeof(Slot)));
    mask_ = cap - 1;
    for (size_t i = 0; i < cap; ++i)
      slots_[i].index = kEmpty;
    for (size_t j = 0; j < oldCap; ++j)
      if (old[j].index != kEmpty)
        for (size_t i = hash(old[j].key) & mask_;; i = (i + 1) & mask_)
          if (slots_[i].index == kEmpty) {
            slots_[i] = old[j];
            break;
          }
    std::free(old);
  }
  Slot *slots_ = nullptr;
  size_t mask_ = 0;
  uint32_t size_ = 0;
};

} // namespace twin

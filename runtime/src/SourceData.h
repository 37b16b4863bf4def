// A source file in memory, padded for simdjson, and how it is cut into byte
// ranges at record boundaries for parallel scans.
#pragma once

#include "runtime/src/Status.h"

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <vector>

namespace weir::rt {

enum class Format { Json, Csv };

// The bytes of one record decoder's work: [begin, end) inside a file whose
// buffer starts at fileBegin and can be read (simdjson padding) up to
// readableEnd.
struct ByteRange {
  const char *fileBegin = nullptr;
  const char *begin = nullptr;
  const char *end = nullptr;
  const char *readableEnd = nullptr;
  // The bytes are a read-only file mapping: pages a cursor is done with can be
  // handed back to the kernel (they read back from the file if needed again).
  bool fileMapped = false;
};

struct SourceData {
  SourceData() = default;
  ~SourceData();
  SourceData(const SourceData &) = delete;
  SourceData &operator=(const SourceData &) = delete;

  std::string path; // as the user wrote it (for messages)
  size_t dataStart = 0; // after a UTF-8 byte order mark (and, for CSV, the header row)

  // Takes the file's bytes; skips a UTF-8 byte order mark.
  void setBytes(simdjson::padded_string bytes);
  // Maps `size` bytes of `fd` followed by at least SIMDJSON_PADDING zero
  // bytes. False when the file cannot be mapped (the caller reads it).
  bool mapFile(int fd, size_t size);

  const char *begin() const { return data_; }
  const char *end() const { return data_ + size_; }
  size_t size() const { return size_; }
  ByteRange whole() const {
    return {begin(), begin() + dataStart, end(), end() + simdjson::SIMDJSON_PADDING, map_ != nullptr};
  }

private:
  void afterLoad();
  const char *data_ = "";
  size_t size_ = 0;
  simdjson::padded_string owned_; // setBytes
  void *map_ = nullptr;           // mapFile: the whole reservation
  size_t mapBytes_ = 0;
};

// Reads the whole file.
Status loadSourceFile(const std::string &path, SourceData &out);

// Cuts `whole` into at most `parts` ranges of roughly equal size, each ending
// just after a newline, so no record is split. Returns one range (no split)
// when the format cannot be split safely: CSV whose data holds a quote
// character (a quoted field may span lines).
std::vector<ByteRange> splitAtRecordBoundaries(const ByteRange &whole, Format format,
                                               unsigned parts);

// Number of '\n' in [from, to).
uint64_t countNewlines(const char *from, const char *to);

} // namespace weir::rt

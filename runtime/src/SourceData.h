// A source file in memory, padded for simdjson, and how it is cut into byte
// ranges at record boundaries for parallel scans.
#pragma once

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
};

struct SourceData {
  std::string path; // as the user wrote it (for messages)
  simdjson::padded_string buffer;
  size_t dataStart = 0; // after a UTF-8 byte order mark (and, for CSV, the header row)

  // Takes the file's bytes; skips a UTF-8 byte order mark.
  void setBytes(simdjson::padded_string bytes);
  const char *begin() const { return buffer.data(); }
  const char *end() const { return buffer.data() + buffer.size(); }
  ByteRange whole() const {
    return {begin(), begin() + dataStart, end(), end() + simdjson::SIMDJSON_PADDING};
  }
};

// Reads the whole file; on failure returns false and explains in `error`.
bool loadSourceFile(const std::string &path, SourceData &out, std::string &error);

// Cuts `whole` into at most `parts` ranges of roughly equal size, each ending
// just after a newline, so no record is split. Returns one range (no split)
// when the format cannot be split safely: CSV whose data holds a quote
// character (a quoted field may span lines).
std::vector<ByteRange> splitAtRecordBoundaries(const ByteRange &whole, Format format,
                                               unsigned parts);

// Number of '\n' in [from, to).
uint64_t countNewlines(const char *from, const char *to);

} // namespace weir::rt

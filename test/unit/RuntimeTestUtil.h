// Helpers for the runtime's unit tests: temporary directories, files, and
// decoding a whole in-memory input with the real cursor machinery.
#pragma once

#include "runtime/src/Cursor.h"
#include "runtime/src/Output.h"
#include "runtime/src/RecordDecoder.h"
#include "runtime/src/SourceData.h"
#include "common/NumberFormat.h"
#include "common/TimeFormat.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace weir::rt::test {

// A sink output that keeps what is written, for reading a writer's text back.
class StringOutput final : public Output {
public:
  std::string text;
  Status write(const char *p, size_t n) override {
    text.append(p, n);
    return {};
  }
};

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "weir-rt-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string &name) const { return (path / name).string(); }
};

inline void writeFile(const std::string &path, const std::string &content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

inline std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A value as text, for comparisons: null, true, 42, 1.5, "s", @2024-...Z.
inline std::string showValue(const WeirValue &v, uint8_t type) {
  if (v.is_null)
    return "null";
  char buf[64];
  switch (type) {
  case WEIR_BOOL: return v.v.b ? "true" : "false";
  case WEIR_INT64: return std::to_string(v.v.i64);
  case WEIR_DURATION: return std::to_string(v.v.i64) + "ms";
  case WEIR_FLOAT64: return std::string(buf, formatFloat64(v.v.f64, buf));
  case WEIR_STRING: return "\"" + std::string(v.v.str, v.len) + "\"";
  case WEIR_TIMESTAMP: return "@" + std::string(buf, formatTimestamp(v.v.i64, buf));
  }
  return "?";
}

struct Decoded {
  std::vector<std::string> rows; // used fields joined by '|'
  WeirStatus status = WEIR_OK;   // WEIR_END, or the error status
  std::string error;
  uint64_t read = 0, bad = 0;
  std::string deadLetters;
};

// Decodes `content` as the source `name` at `path` with the given schema.
inline Decoded decodeAll(const std::string &content, Format format,
                         const std::vector<WeirFieldDesc> &fields,
                         const std::vector<uint32_t> &used, const char *onError = "fail",
                         const std::string &path = "data/in.txt") {
  Decoded out;
  SourceData data;
  data.path = path;
  data.setBytes(simdjson::padded_string(content));
  SchemaView schema{static_cast<uint32_t>(fields.size()), fields.data(),
                    static_cast<uint32_t>(used.size()), used.data()};
  CursorSource source{"src", path, {}};
  std::string err;
  if (!parseErrorPolicy(onError, source.policy, err)) {
    out.status = WEIR_ERR_CONFIG;
    out.error = err;
    return out;
  }
  CsvLayout layout;
  std::unique_ptr<RecordDecoder> decoder;
  ByteRange range = data.whole();
  if (format == Format::Csv) {
    size_t headerBytes = 0;
    if (Status s = readCsvHeader(schema, range, layout, headerBytes); !s.ok()) {
      out.status = WEIR_ERR_IO;
      out.error = s.message();
      return out;
    }
    range.begin += headerBytes;
    decoder = makeCsvDecoder(schema, layout, range);
  } else {
    decoder = makeJsonDecoder(schema, range);
  }
  ErrorSlot slot;
  WeirCursor cursor(source, std::move(decoder), range, slot);
  std::vector<WeirValue> row(fields.size());
  for (;;) {
    WeirStatus s = cursor.next(row.data());
    if (s != WEIR_ROW) {
      out.status = s;
      out.error = slot.message();
      break;
    }
    std::string text;
    for (uint32_t k : used)
      text += (text.empty() ? "" : "|") + showValue(row[k], fields[k].type);
    out.rows.push_back(text);
  }
  out.read = cursor.recordsRead;
  out.bad = cursor.recordsBad;
  out.deadLetters = std::string(cursor.deadLetters.view());
  return out;
}

inline std::vector<uint32_t> allFields(size_t n) {
  std::vector<uint32_t> v;
  for (uint32_t i = 0; i < n; ++i)
    v.push_back(i);
  return v;
}

} // namespace weir::rt::test

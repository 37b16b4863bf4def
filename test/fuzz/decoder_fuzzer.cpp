// libFuzzer target for the record decoders (runtime/src/JsonDecoder.cpp,
// CsvDecoder.cpp). Besides crashes and sanitizer reports it checks two
// properties the driver relies on:
//  * JSON: the document-stream fast path and line-by-line decoding agree on
//    every record (row or error, with its line number);
//  * both formats: decoding the input in parts cut by
//    splitAtRecordBoundaries gives the same records as decoding it whole
//    (what --threads N relies on).
// Input: byte 0 picks the format, the number of parts and the JSON fast
// path's chunk size (small, so that short inputs cross chunks); the rest is
// the file.
#include "runtime/src/RecordDecoder.h"
#include "runtime/src/SourceData.h"
#include "common/NumberFormat.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace weir::rt;

namespace {

const WeirFieldDesc kFields[] = {{"s", WEIR_STRING, 0},    {"i", WEIR_INT64, 1},
                                 {"f", WEIR_FLOAT64, 1},   {"t", WEIR_TIMESTAMP, 1},
                                 {"b", WEIR_BOOL, 1},      {"d", WEIR_DURATION, 1},
                                 {"unused", WEIR_STRING, 1}};
const uint32_t kUsed[] = {0, 1, 2, 3, 4, 5};
const SchemaView kSchema{7, kFields, 6, kUsed};

std::string show(const WeirValue *row) {
  std::string out;
  for (uint32_t k : kUsed) {
    const WeirValue &v = row[k];
    if (v.is_null) {
      out += "null|";
      continue;
    }
    char buf[64];
    switch (kFields[k].type) {
    case WEIR_STRING: out += std::string(v.v.str, v.len); break;
    case WEIR_FLOAT64: out += std::string(buf, formatFloat64(v.v.f64, buf)); break;
    case WEIR_BOOL: out += v.v.b ? "true" : "false"; break;
    default: out += std::to_string(v.v.i64); break;
    }
    out += "|";
  }
  return out;
}

// Every record of `range` as text; bad records with their absolute line.
size_t gChunkBytes = 0;

std::vector<std::string> decode(const SourceData &data, const ByteRange &range, bool csv,
                                const CsvLayout &layout, bool linesOnly) {
  auto decoder = csv ? makeCsvDecoder(kSchema, layout, range)
                     : makeJsonDecoder(kSchema, range, linesOnly, gChunkBytes);
  uint64_t base = countNewlines(range.fileBegin, range.begin);
  std::vector<WeirValue> row(7);
  std::vector<std::string> out;
  for (;;) {
    DecodeOutcome o = decoder->next(row.data());
    if (o == DecodeOutcome::End)
      return out;
    if (o == DecodeOutcome::Bad)
      out.push_back("BAD " + std::to_string(base + decoder->recordLine() + 1) + " " +
                    decoder->reason() + " " + std::string(decoder->recordText()));
    else
      out.push_back(show(row.data()));
  }
}

[[noreturn]] void mismatch(const char *what, const std::vector<std::string> &a,
                           const std::vector<std::string> &b) {
  std::fprintf(stderr, "%s: %zu vs %zu records\n", what, a.size(), b.size());
  for (size_t i = 0; i < a.size() || i < b.size(); ++i) {
    const char *x = i < a.size() ? a[i].c_str() : "(none)";
    const char *y = i < b.size() ? b[i].c_str() : "(none)";
    if (i >= a.size() || i >= b.size() || a[i] != b[i]) {
      std::fprintf(stderr, "first difference at %zu:\n  %s\n  %s\n", i, x, y);
      break;
    }
  }
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size) {
  if (size < 1)
    return 0;
  bool csv = bytes[0] & 1;
  unsigned parts = 1 + (bytes[0] >> 1) % 4;
  gChunkBytes = size_t(16) << ((bytes[0] >> 3) % 8); // 16 B .. 2 KiB
  SourceData data;
  data.setBytes(simdjson::padded_string(reinterpret_cast<const char *>(bytes + 1), size - 1));
  ByteRange whole = data.whole();
  CsvLayout layout;
  if (csv) {
    size_t headerBytes = 0;
    if (!readCsvHeader(kSchema, whole, layout, headerBytes).ok())
      return 0;
    whole.begin += headerBytes;
  }
  std::vector<std::string> all = decode(data, whole, csv, layout, false);
  if (!csv) {
    std::vector<std::string> careful = decode(data, whole, csv, layout, true);
    if (careful != all)
      mismatch("stream vs lines", all, careful);
  }
  std::vector<ByteRange> ranges =
      splitAtRecordBoundaries(whole, csv ? Format::Csv : Format::Json, parts);
  std::vector<std::string> joined;
  for (const ByteRange &r : ranges)
    for (std::string &rec : decode(data, r, csv, layout, false))
      joined.push_back(std::move(rec));
  if (joined != all)
    mismatch("split vs whole", all, joined);
  return 0;
}

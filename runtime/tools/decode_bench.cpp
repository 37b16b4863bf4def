// Measures the JSON-lines decoder against hand-written simdjson loops that
// extract the same fields (the benchmark's hot spot). Not built by default:
//   ninja weir_decode_bench && weir_decode_bench FILE.jsonl [rounds]
// Fields: txn_id string, user_id int64, merchant string, amount float64,
// ts timestamp.
#include "runtime/src/RecordDecoder.h"
#include "runtime/src/SourceData.h"
#include "common/TimeFormat.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

using namespace weir::rt;
namespace ondemand = simdjson::ondemand;

namespace {

struct Sums {
  uint64_t rows = 0, strBytes = 0;
  int64_t users = 0, ts = 0;
  double amount = 0;
  bool operator==(const Sums &o) const {
    return rows == o.rows && strBytes == o.strBytes && users == o.users && ts == o.ts &&
           amount == o.amount;
  }
};

const WeirFieldDesc kFields[] = {{"txn_id", WEIR_STRING, 0},
                                 {"user_id", WEIR_INT64, 0},
                                 {"merchant", WEIR_STRING, 0},
                                 {"amount", WEIR_FLOAT64, 0},
                                 {"ts", WEIR_TIMESTAMP, 0}};
const uint32_t kUsed[] = {0, 1, 2, 3, 4};

Sums viaRuntime(const SourceData &data, bool csv) {
  SchemaView schema{5, kFields, 5, kUsed};
  ByteRange range = data.whole();
  CsvLayout layout;
  std::unique_ptr<RecordDecoder> decoder;
  if (csv) {
    size_t headerBytes = 0;
    if (Status s = readCsvHeader(schema, range, layout, headerBytes); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return {};
    }
    range.begin += headerBytes;
    decoder = makeCsvDecoder(schema, layout, range);
  } else {
    decoder = makeJsonDecoder(schema, range);
  }
  WeirValue row[5];
  Sums s;
  DecodeOutcome o;
  while ((o = decoder->next(row)) != DecodeOutcome::End) {
    if (o == DecodeOutcome::Bad) {
      std::fprintf(stderr, "bad record: %s\n", decoder->reason().c_str());
      continue;
    }
    ++s.rows;
    s.strBytes += row[0].len + row[2].len;
    s.users += row[1].v.i64;
    s.amount += row[3].v.f64;
    s.ts += row[4].v.i64;
  }
  return s;
}

template <typename Doc> bool extract(Doc &doc, Sums &s) {
  ondemand::object obj;
  std::string_view id, merchant, tsText;
  int64_t user = 0, ts = 0;
  double amount = 0;
  auto err = doc.get_object().get(obj);
  if (!err) err = obj["txn_id"].get_string().get(id);
  if (!err) err = obj["user_id"].get_int64().get(user);
  if (!err) err = obj["merchant"].get_string().get(merchant);
  if (!err) err = obj["amount"].get_double().get(amount);
  if (!err) err = obj["ts"].get_string().get(tsText);
  if (err || !parseTimestamp(tsText.data(), tsText.size(), ts))
    return false;
  ++s.rows;
  s.strBytes += id.size() + merchant.size();
  s.users += user;
  s.amount += amount;
  s.ts += ts;
  return true;
}

Sums viaRuntimeJson(const SourceData &data) { return viaRuntime(data, false); }
Sums viaRuntimeCsv(const SourceData &data) { return viaRuntime(data, true); }

// CSV as the benchmark's hand-written baseline scans it: memchr for the line
// end and for each comma (no quoted fields in this data).
Sums viaCsvScan(const SourceData &data) {
  Sums s;
  const char *p = data.begin(), *end = data.end();
  p = static_cast<const char *>(std::memchr(p, '\n', end - p)) + 1; // header: fixed order here
  while (p < end) {
    const char *nl = static_cast<const char *>(std::memchr(p, '\n', end - p));
    const char *lineEnd = nl ? nl : end;
    std::string_view f[5];
    const char *q = p;
    for (int i = 0; i < 5; ++i) {
      const char *c = static_cast<const char *>(std::memchr(q, ',', lineEnd - q));
      if (!c)
        c = lineEnd;
      f[i] = std::string_view(q, c - q);
      q = c + 1;
    }
    int64_t user = 0, ts = 0;
    double amount = 0;
    std::from_chars(f[1].data(), f[1].data() + f[1].size(), user);
    std::from_chars(f[3].data(), f[3].data() + f[3].size(), amount);
    parseTimestamp(f[4].data(), f[4].size(), ts);
    ++s.rows;
    s.strBytes += f[0].size() + f[2].size();
    s.users += user;
    s.amount += amount;
    s.ts += ts;
    p = lineEnd + 1;
  }
  return s;
}

Sums viaDocumentStream(const SourceData &data) {
  ondemand::parser parser;
  ondemand::document_stream stream;
  Sums s;
  if (parser.iterate_many(data.begin(), data.size(), 4 << 20).get(stream))
    return s;
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    ondemand::document_reference doc;
    if ((*it).get(doc) || !extract(doc, s))
      std::fprintf(stderr, "bad record\n");
  }
  return s;
}

Sums viaLines(const SourceData &data) {
  ondemand::parser parser;
  Sums s;
  const char *p = data.begin(), *end = data.end();
  while (p < end) {
    const char *nl = static_cast<const char *>(std::memchr(p, '\n', end - p));
    const char *lineEnd = nl ? nl : end;
    ondemand::document doc;
    if (parser.iterate(p, lineEnd - p, end + simdjson::SIMDJSON_PADDING - p).get(doc) ||
        !extract(doc, s))
      std::fprintf(stderr, "bad record\n");
    p = lineEnd + 1;
  }
  return s;
}

template <typename F> double best(F f, const SourceData &data, int rounds, Sums &out) {
  double bestSeconds = 1e9;
  for (int i = 0; i < rounds; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    out = f(data);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    bestSeconds = s < bestSeconds ? s : bestSeconds;
  }
  return bestSeconds;
}

// One line per decoder: its best time and throughput, then a note (the row
// count, or the ratio of the runtime's time to this reference's).
void printLine(const char *label, double seconds, const SourceData &data,
               const std::string &note = "") {
  std::printf("%-21s %.3f s  %.0f MB/s%s\n", label, seconds, data.size() / 1e6 / seconds,
              note.c_str());
}
std::string rowsNote(const Sums &s) { return "  (" + std::to_string(s.rows) + " rows)"; }
std::string ratioNote(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "  ratio %.2f", ratio);
  return buf;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: weir_decode_bench FILE.jsonl [rounds [runtime-only|stream-only|csv|csv-only]]\n");
    return 2;
  }
  int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  SourceData data;
  if (Status s = loadSourceFile(argv[1], data); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return 1;
  }
  Sums a, b, c;
  std::string_view mode = argc > 3 ? argv[3] : "";
  if (mode == "csv") {
    double tRuntime = best(viaRuntimeCsv, data, rounds, a);
    double tScan = best(viaCsvScan, data, rounds, b);
    printLine("runtime CSV decoder", tRuntime, data, rowsNote(a));
    printLine("memchr CSV scan", tScan, data, ratioNote(tRuntime / tScan));
    return a == b ? 0 : (std::printf("MISMATCH\n"), 1);
  }
  if (mode == "csv-only") {
    printLine("runtime CSV decoder", best(viaRuntimeCsv, data, rounds, a), data);
    return 0;
  }
  if (mode == "runtime-only") { // for perf record
    double t = best(viaRuntimeJson, data, rounds, a); // before rowsNote(a) reads the sums
    printLine("runtime decoder", t, data, rowsNote(a));
    return 0;
  }
  if (mode == "stream-only") {
    printLine("simdjson iterate_many", best(viaDocumentStream, data, rounds, b), data);
    return 0;
  }
  double tRuntime = best(viaRuntimeJson, data, rounds, a);
  double tStream = best(viaDocumentStream, data, rounds, b);
  double tLines = best(viaLines, data, rounds, c);
  printLine("runtime decoder", tRuntime, data, rowsNote(a));
  printLine("simdjson iterate_many", tStream, data, ratioNote(tRuntime / tStream));
  printLine("simdjson per line", tLines, data, ratioNote(tRuntime / tLines));
  if (!(a == b) || !(a == c)) {
    std::printf("MISMATCH between the decoders' sums\n");
    return 1;
  }
  return 0;
}

// CSV rows (RFC 4180): a header row, fields quoted when they hold a comma, a
// quote or a line break (quotes doubled), the empty string as "" and null as
// an empty field, so the two read back differently. Numbers and times are
// formatted as in JSON sinks, without quotes.
#include "runtime/src/SinkWriter.h"
#include "common/NumberFormat.h"
#include "common/TimeFormat.h"

#include <charconv>
#include <cstring>

using namespace weir::rt;

namespace {
void appendCsvText(ByteBuffer &out, const char *s, size_t n) {
  bool needsQuotes = n == 0;
  for (size_t i = 0; i < n && !needsQuotes; ++i) {
    char c = s[i];
    needsQuotes = c == ',' || c == '"' || c == '\n' || c == '\r';
  }
  if (!needsQuotes) {
    out.append(s, n);
    return;
  }
  out.push('"');
  for (size_t i = 0; i < n; ++i) {
    if (s[i] == '"')
      out.push('"');
    out.push(s[i]);
  }
  out.push('"');
}
} // namespace

void WeirSinkWriter::writeHeader() {
  if (format != SinkFormat::Csv)
    return;
  for (uint32_t i = 0; i < desc.nfields; ++i) {
    if (i > 0)
      buffer.push(',');
    const char *name = desc.fields[i].name;
    size_t n = std::strlen(name);
    if (n == 0)
      buffer.append("\"\"", 2);
    else
      appendCsvText(buffer, name, n);
  }
  buffer.push('\n');
}

void WeirSinkWriter::writeCsvRow(const WeirValue *row) {
  for (uint32_t i = 0; i < desc.nfields; ++i) {
    if (i > 0)
      buffer.push(',');
    const WeirValue &v = row[i];
    if (v.is_null)
      continue;
    switch (desc.fields[i].type) {
    case WEIR_BOOL:
      if (v.v.b)
        buffer.append("true", 4);
      else
        buffer.append("false", 5);
      break;
    case WEIR_INT64:
    case WEIR_DURATION: {
      char *w = buffer.reserve(24);
      buffer.commit(static_cast<size_t>(std::to_chars(w, w + 24, v.v.i64).ptr - w));
      break;
    }
    case WEIR_FLOAT64: {
      char *w = buffer.reserve(kMaxFloatChars);
      buffer.commit(formatFloat64(v.v.f64, w));
      break;
    }
    case WEIR_STRING:
      appendCsvText(buffer, v.v.str, v.len);
      break;
    case WEIR_TIMESTAMP: {
      char *w = buffer.reserve(kMaxTimestampChars);
      buffer.commit(formatTimestamp(v.v.i64, w));
      break;
    }
    }
  }
  buffer.push('\n');
}

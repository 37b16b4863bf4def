// CSV rows (RFC 4180): a header row, fields quoted when they hold a comma, a
// quote or a line break (quotes doubled), the empty string as "" and null as
// an empty field, so the two read back differently. Other values in the text
// of formatValueText, as in JSON sinks, without quotes.
#include "runtime/src/SinkWriter.h"
#include "runtime/src/ValueText.h"

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
  if (format != SinkFormat::Csv || records || discard) // a Kafka record is one row, no header
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
    uint8_t type = desc.fields[i].type;
    if (type == WEIR_STRING) {
      appendCsvText(buffer, v.v.str, v.len);
    } else {
      char *w = buffer.reserve(kMaxValueTextChars);
      buffer.commit(formatValueText(v, type, w));
    }
  }
  buffer.push('\n');
}

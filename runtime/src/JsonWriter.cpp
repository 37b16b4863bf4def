// JSON lines rows: {"a":1,"b":"x"}. Values in the text of formatValueText
// (floats in shortest round-trip form and always with a '.' or an exponent,
// 1.0; durations as integer milliseconds), timestamps (ISO-8601 UTC with
// milliseconds) as JSON strings; non-finite floats, which JSON cannot
// express, and nulls as null.
#include "runtime/src/SinkWriter.h"
#include "runtime/src/ValueText.h"

#include <cmath>

using namespace weir::rt;

void WeirSinkWriter::writeJsonRow(const WeirValue *row) {
  for (uint32_t i = 0; i < desc.nfields; ++i) {
    buffer.append(jsonKeys_[i]);
    const WeirValue &v = row[i];
    if (v.is_null) {
      buffer.append("null", 4);
      continue;
    }
    uint8_t type = desc.fields[i].type;
    if (type == WEIR_STRING) {
      appendJsonString(buffer, v.v.str, v.len);
    } else if (type == WEIR_FLOAT64 && !std::isfinite(v.v.f64)) {
      buffer.append("null", 4);
    } else if (type == WEIR_TIMESTAMP) {
      char *w = buffer.reserve(kMaxValueTextChars + 2);
      *w = '"';
      size_t n = formatValueText(v, type, w + 1);
      w[n + 1] = '"';
      buffer.commit(n + 2);
    } else {
      char *w = buffer.reserve(kMaxValueTextChars);
      buffer.commit(formatValueText(v, type, w));
    }
  }
  if (desc.nfields == 0)
    buffer.push('{');
  buffer.append("}\n", 2);
}

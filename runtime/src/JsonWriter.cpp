// JSON lines rows: {"a":1,"b":"x"}. Floats in shortest round-trip form and
// always with a '.' or an exponent (1.0); non-finite floats, which JSON cannot
// express, and nulls as null; timestamps as ISO-8601 UTC strings with
// milliseconds; durations as integer milliseconds.
#include "runtime/src/SinkWriter.h"
#include "common/NumberFormat.h"
#include "common/TimeFormat.h"

#include <charconv>
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
    case WEIR_FLOAT64:
      if (!std::isfinite(v.v.f64)) {
        buffer.append("null", 4);
      } else {
        char *w = buffer.reserve(kMaxFloatChars);
        buffer.commit(formatFloat64(v.v.f64, w));
      }
      break;
    case WEIR_STRING:
      appendJsonString(buffer, v.v.str, v.len);
      break;
    case WEIR_TIMESTAMP: {
      char *w = buffer.reserve(kMaxTimestampChars + 2);
      *w = '"';
      size_t n = formatTimestamp(v.v.i64, w + 1);
      w[n + 1] = '"';
      buffer.commit(n + 2);
      break;
    }
    }
  }
  if (desc.nfields == 0)
    buffer.push('{');
  buffer.append("}\n", 2);
}

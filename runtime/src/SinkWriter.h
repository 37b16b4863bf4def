// WeirSinkWriter: formats rows (JSON lines or CSV) into a buffer and hands
// full buffers to an Output.
#pragma once

#include "runtime/src/BackgroundFormatter.h"
#include "runtime/src/ByteBuffer.h"
#include "runtime/src/Output.h"
#include "runtime/src/Status.h"
#include "weir/runtime.h"

#include <memory>
#include <string>
#include <vector>

namespace weir::rt {
// Raw: the one column's text as it is (Kafka sinks only).
enum class SinkFormat { Json, Csv, Raw };
} // namespace weir::rt

struct WeirSinkWriter {
  WeirSinkWriter(const WeirSinkDesc &desc, weir::rt::SinkFormat format, weir::rt::Output *out);

  WeirStatus write(const WeirValue *row);
  // Hands the buffered bytes to the output.
  WeirStatus flush();
  // The CSV header row (files and stdout get one; a parallel scan's private
  // writers do not, their rows are appended after the real writer's).
  void writeHeader();
  // From now on, rows are formatted and written on `thread`, which must
  // outlive this writer (BackgroundFormatter.h); flush() waits for them.
  // Files and standard output only: not for record outputs or discards.
  // True when it is on.
  bool formatInBackground(weir::rt::FormatterThread &thread);
  // Moves `part`'s rows (spilled and buffered) to the end of this writer.
  WeirStatus append(WeirSinkWriter &part, weir::rt::SpillOutput *partSpill);

  const WeirSinkDesc &desc;
  weir::rt::SinkFormat format;
  weir::rt::Output *out;
  // Set for record outputs (Kafka): each row goes out on its own at once,
  // and `out` is unused.
  weir::rt::RecordOutput *records = nullptr;
  weir::rt::ByteBuffer buffer;
  weir::rt::ErrorSlot error;
  uint64_t rows = 0;
  // A discard: sink: rows are counted, not formatted; `out` is unused.
  bool discard = false;
  size_t flushThreshold = 1 << 20;

private:
  void writeJsonRow(const WeirValue *row);
  void writeCsvRow(const WeirValue *row);
  void writeRawRow(const WeirValue *row);
  WeirStatus writeRecord(const WeirValue *row);
  std::vector<std::string> jsonKeys_; // "{\"a\":", ",\"b\":", ...
  // While set, `buffer` and `out` belong to its thread between flushes.
  // Declared last: destroyed first, while what its thread uses still exists.
  std::unique_ptr<weir::rt::BackgroundFormatter> background_;
};

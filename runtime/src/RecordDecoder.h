// The interface between a cursor and the format-specific record decoders.
#pragma once

#include "runtime/src/SourceData.h"
#include "runtime/src/Status.h"
#include "weir/runtime.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace weir::rt {

// The part of a source's schema a decoder needs.
struct SchemaView {
  uint32_t nfields = 0;
  const WeirFieldDesc *fields = nullptr;
  uint32_t nused = 0;
  const uint32_t *used = nullptr;
};

enum class DecodeOutcome { Row, End, Bad };

class RecordDecoder {
public:
  virtual ~RecordDecoder() = default;
  // Decodes the next record of the range into row[used[k]]. After Bad,
  // reason(), recordText() and recordLine() describe the record, and the next
  // call continues with the record after it.
  virtual DecodeOutcome next(WeirValue *row) = 0;

  // Where decoding has got to: the bytes before it are not read again by
  // this decoder (the cursor may drop their pages).
  virtual const char *consumedUpTo() const = 0;

  // Where the next record starts (the previous one fully read), for
  // checkpoints: a resumed decoder begins its range here. Null when the
  // decoder cannot tell; the cursor then resumes by skipping records.
  virtual const char *nextRecordStart() const { return nullptr; }

  // Decoders whose records are never bad (the generators) may decode many in
  // one call: up to `max` records, record k into rows[k * width + used[..]];
  // fewer only at the end of the input. The cursor uses it when it has no
  // per-record work (no checkpoint hook, no pacing, no parallel ranges).
  virtual bool decodesBatches() const { return false; }
  virtual uint32_t nextBatch(WeirValue * /*rows*/, uint32_t /*width*/, uint32_t /*max*/) { return 0; }

  // Starts over on a new range (a Kafka message's bytes), keeping buffers
  // and parsers. False for decoders that cannot (the caller makes a new one).
  virtual bool reset(const ByteRange &) { return false; }

  // Where the last record came from, for messages, when the decoder knows
  // better than a file and line ("kafka:t partition 0 offset 17"), else "".
  virtual std::string recordLocation() const { return {}; }

  // "field 'amount': expected float64, got string \"abc\""
  const std::string &reason() const { return reason_; }
  // The raw text of the last record (without its line terminator).
  std::string_view recordText() const { return recordText_; }
  // Newlines between the range's start and the last record's start (set
  // after Bad; decoders may skip counting for good records).
  uint64_t recordLine() const { return recordLine_; }

protected:
  DecodeOutcome bad(std::string reason) {
    reason_ = std::move(reason);
    return DecodeOutcome::Bad;
  }
  std::string reason_;
  std::string_view recordText_;
  uint64_t recordLine_ = 0;
};

// JSON lines: one object per line; blank lines are skipped. For tests and
// the fuzzer, which compare the two ways through the input: `linesOnly`
// turns off the document-stream fast path, `chunkBytes` sets its chunk size.
std::unique_ptr<RecordDecoder> makeJsonDecoder(const SchemaView &schema, const ByteRange &range,
                                               bool linesOnly = false, size_t chunkBytes = 0);

// CSV (RFC 4180) with a header row. The header is read once per file by
// readCsvHeader, which maps declared fields to columns.
struct CsvLayout {
  uint32_t ncolumns = 0;
  std::vector<int32_t> fieldColumn; // per declared field: its column, or -1 (all null)
};
// Parses the header row at range.begin, fills `layout` and returns the
// offset just past the header. Fails when the header is malformed or lacks
// a column for a non-nullable field.
Status readCsvHeader(const SchemaView &schema, const ByteRange &range, CsvLayout &layout,
                     size_t &headerBytes);
std::unique_ptr<RecordDecoder> makeCsvDecoder(const SchemaView &schema, const CsvLayout &layout,
                                              const ByteRange &range);

} // namespace weir::rt

// WeirCursor: a record decoder over one byte range of a source file, plus the
// source's on_error policy. Each thread of a parallel scan has its own.
#pragma once

#include "runtime/src/ByteBuffer.h"
#include "runtime/src/DecodeAhead.h"
#include "runtime/src/ErrorPolicy.h"
#include "runtime/src/RecordDecoder.h"
#include "runtime/src/Status.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct WeirCursor;

namespace weir::rt {

// What a cursor needs to know about its source.
struct CursorSource {
  std::string name; // declared name
  std::string path; // file path as given
  ErrorPolicy policy;
};

// Durable runs: called by the cursor before it decodes a record (the
// previous record fully processed: a consistent point to checkpoint at or to
// evict state at). Sets cursor.hookCountdown to when it wants the next call.
class ConsistentPointHook {
public:
  virtual ~ConsistentPointHook() = default;
  virtual WeirStatus reached(WeirCursor &cursor) = 0;
};

} // namespace weir::rt

struct WeirCursor {
  WeirCursor(const weir::rt::CursorSource &source, std::unique_ptr<weir::rt::RecordDecoder> decoder,
             const weir::rt::ByteRange &range, weir::rt::ErrorSlot &error)
      : source(source), decoder(std::move(decoder)), range(range), error(error) {}

  WeirStatus next(WeirValue *row);
  // One record with the source's on_error policy applied: WEIR_ROW, WEIR_END
  // or an error status set in `err`; counts into recordsRead/recordsBad,
  // dead letters into deadLetters. next() without decode-ahead.
  WeirStatus decodeRecord(WeirValue *row, weir::rt::ErrorSlot &err);
  // --threads 2+: from now on records are decoded ahead on a thread of their
  // own (DecodeAhead.h). Only for a cursor with no per-record work (no
  // checkpoint hook, no pacing, one range) over a file.
  void decodeAhead(uint32_t width, std::vector<uint32_t> stringFields);
  // Stops decoding ahead (before the counts and dead letters are read).
  void stopDecodeAhead();
  // weir_cursor_next_batch: up to `max` records, record k into
  // rows[k * width ...]. Returns how many (0: the end) or the error status.
  // Only a decoder that decodes batches (a generator's) fills more than one,
  // and only when nothing happens between records (no checkpoint hook, no
  // pacing, no parallel ranges to watch).
  int64_t nextBatch(WeirValue *rows, uint32_t width, uint32_t max);
  // 1-based line number in the file of the decoder's last record.
  uint64_t lastRecordLine();
  // "path:line" of the last record, or where the decoder says it came from.
  std::string recordWhere();

  const weir::rt::CursorSource &source;
  std::unique_ptr<weir::rt::RecordDecoder> decoder;
  weir::rt::ByteRange range;
  weir::rt::ErrorSlot &error;

  // Only the first scan of a source counts and dead-letters bad records
  // (later scans of the same file see the same ones again).
  bool logBadRecords = true;
  uint64_t recordsRead = 0; // good and bad
  uint64_t recordsBad = 0;
  // What the progress line (Progress.h) reads from another thread: records
  // and bytes of the range decoded, published every 4,096 records.
  std::atomic<uint64_t> progressRecords{0}, progressBytes{0}, progressBad{0};
  // --metrics (observe/Telemetry.h): called on the thread that runs the
  // stage, every 4,096 records or so, to publish the run's figures.
  std::function<void()> onTick;
  weir::rt::ByteBuffer deadLetters; // dead_letter lines, written by the driver in range order

  // Parallel scans: stop early once an earlier range has failed (its error
  // is the one a single-threaded run would report).
  const std::atomic<uint32_t> *firstFailedRange = nullptr;
  uint32_t rangeIndex = 0;

  // Durable runs (Durability.h): called every hookCountdown records.
  weir::rt::ConsistentPointHook *hook = nullptr;
  uint64_t hookCountdown = 0;
  // Realtime over a generator: records are released at `pacedRate` per
  // second of wall time (the pace of their event time), and while the cursor
  // waits it calls onIdle (the driver flushes sinks and emits what changed)
  // at most every 100 ms.
  uint64_t pacedRate = 0;
  std::function<void()> onIdle;

  // Byte offset in the file of the next record, or UINT64_MAX when the
  // decoder cannot tell (resume then skips recordsRead records).
  uint64_t nextRecordOffset() const;

private:
  void publishProgress();
  uint64_t tickRecords_ = 0; // batches since the last onTick
  std::unique_ptr<weir::rt::DecodeAhead> ahead_;
  // Hands the pages the decoder is done with back to the kernel.
  void releaseConsumedPages();

  void pace();
  std::chrono::steady_clock::time_point pacedStart_, lastIdle_;
  int64_t lineBase_ = -1; // newlines before range.begin, counted when first needed
  const char *releasedUpTo_ = nullptr;
};

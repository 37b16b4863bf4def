// A file scan's records decoded on a thread of their own.
//
// With --threads 2 or more, a scan that runs on one thread (a windowed
// pipeline's: its watermark follows the order of arrival) would parse its
// JSON or CSV on the same thread as its windows. The decoding then runs
// ahead on a second thread: it applies the source's on_error policy record
// by record exactly as the cursor does, copies each good record (strings
// included) into a batch, and the scan takes the batches in order through
// weir_cursor_next_batch. What the pipeline sees, the dead letters and the
// error of a bad record under on_error = "fail" are those of one thread. A
// batch carries the counts after its last record: when the scan stops early
// (its pipeline failed), the counts and dead letters are those of the
// batches it took, and what the decoder had read beyond them is forgotten.
#pragma once

#include "runtime/src/RowBlock.h"
#include "runtime/src/Status.h"
#include "weir/runtime.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct WeirCursor;

namespace weir::rt {

class DecodeAhead {
public:
  // `width`: values per record (the source's fields); `stringFields`: those
  // holding strings, whose bytes are copied.
  DecodeAhead(WeirCursor &cursor, uint32_t width, std::vector<uint32_t> stringFields);
  ~DecodeAhead(); // stop()
  DecodeAhead(const DecodeAhead &) = delete;
  DecodeAhead &operator=(const DecodeAhead &) = delete;

  // The scan's thread: up to `max` records into rows[k * width ...]: how
  // many, 0 at the end, or the error status (set in the cursor's error
  // slot). Strings stay valid until the next call.
  int64_t next(WeirValue *rows, uint32_t width, uint32_t max);
  // Stops the decoding thread; the cursor's counts and dead letters are
  // then those of the records handed to the scan.
  void stop();

private:
  struct Counts {
    uint64_t read = 0, bad = 0;
    size_t deadLetterBytes = 0;
  };
  struct Batch : RowBlock {        // RowBlock::rows: the records decoded
    using RowBlock::RowBlock;
    uint32_t taken = 0;           // records the scan has taken
    Counts after;                 // the cursor's counts after the batch's last record
    WeirStatus end = WEIR_ROW;    // after the records: WEIR_END, an error, or more to come
    Status error;                 // with an error status
  };
  void decodeLoop();

  WeirCursor &cursor_;
  const uint32_t width_;
  const std::vector<uint32_t> stringFields_;

  std::unique_ptr<Batch> current_; // the scan's
  Counts handedOut_;               // the counts as of the last batch the scan took
  std::mutex mutex_;
  std::condition_variable filled_, drained_;
  std::deque<std::unique_ptr<Batch>> ready_; // decoded, in order
  std::vector<std::unique_ptr<Batch>> free_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace weir::rt

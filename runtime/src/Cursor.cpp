#include "runtime/src/Cursor.h"

#include "runtime/src/StopSignal.h"

#include <cassert>
#include <thread>

#include <sys/mman.h>
#include <unistd.h>

using namespace weir::rt;

uint64_t WeirCursor::lastRecordLine() {
  if (lineBase_ < 0)
    lineBase_ = static_cast<int64_t>(countNewlines(range.fileBegin, range.begin));
  return static_cast<uint64_t>(lineBase_) + decoder->recordLine() + 1;
}

std::string WeirCursor::recordWhere() {
  std::string at = decoder->recordLocation();
  return at.empty() ? source.path + ":" + std::to_string(lastRecordLine()) : at;
}

void WeirCursor::releaseConsumedPages() {
  static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  constexpr uintptr_t kBatch = 16u << 20; // one madvise per 16 MiB scanned
  auto pageDown = [](const char *p) { return reinterpret_cast<uintptr_t>(p) & ~(page - 1); };
  if (!releasedUpTo_)
    releasedUpTo_ = reinterpret_cast<const char *>(pageDown(range.begin));
  uintptr_t from = reinterpret_cast<uintptr_t>(releasedUpTo_);
  uintptr_t to = pageDown(decoder->consumedUpTo());
  if (to < from + kBatch)
    return;
  // Read-only private file pages: dropping them loses nothing; a later read
  // (another pipeline's scan, a line count for an error) faults them back.
  ::madvise(reinterpret_cast<void *>(from), to - from, MADV_DONTNEED);
  releasedUpTo_ = reinterpret_cast<const char *>(to);
}

void WeirCursor::publishProgress() {
  progressRecords.store(recordsRead, std::memory_order_relaxed);
  progressBad.store(recordsBad, std::memory_order_relaxed);
  // Decoding ahead, this runs on the decoding thread: the stage's thread
  // ticks in nextBatch instead.
  if (onTick && !ahead_)
    onTick();
  const char *at = range.begin ? decoder->consumedUpTo() : nullptr;
  if (at && at >= range.begin)
    progressBytes.store(static_cast<uint64_t>(at - range.begin), std::memory_order_relaxed);
}

uint64_t WeirCursor::nextRecordOffset() const {
  const char *p = decoder->nextRecordStart();
  return p ? static_cast<uint64_t>(p - range.fileBegin) : UINT64_MAX;
}

void WeirCursor::pace() {
  using Clock = std::chrono::steady_clock;
  auto now = Clock::now();
  if (recordsRead == 0)
    pacedStart_ = lastIdle_ = now;
  auto due = pacedStart_ + std::chrono::nanoseconds(recordsRead * 1000000000ull / pacedRate);
  if (due <= now + std::chrono::milliseconds(1))
    return; // on time: no sleeping per record
  if (onIdle && now - lastIdle_ >= std::chrono::milliseconds(100)) {
    publishProgress(); // a paced scan is slow: its counts are shown as they grow
    onIdle();
    lastIdle_ = Clock::now();
  }
  // In steps, so that SIGINT/SIGTERM stop a slow paced scan at once rather
  // than after its next 4,096 records.
  while (Clock::now() < due && !stopRequested())
    std::this_thread::sleep_until(std::min(due, Clock::now() + std::chrono::milliseconds(50)));
}

void WeirCursor::decodeAhead(uint32_t width, std::vector<uint32_t> stringFields) {
  assert(!hook && !pacedRate && !firstFailedRange && !ahead_);
  ahead_ = std::make_unique<DecodeAhead>(*this, width, std::move(stringFields));
}

void WeirCursor::stopDecodeAhead() {
  if (ahead_)
    ahead_->stop();
}

WeirStatus WeirCursor::next(WeirValue *row) {
  if (ahead_) {
    int64_t n = ahead_->next(row, 0, 1);
    if (onTick && n == 1 && (++tickRecords_ & 0xFFF) == 0)
      onTick();
    return n == 1 ? WEIR_ROW : n == 0 ? WEIR_END : static_cast<WeirStatus>(n);
  }
  return decodeRecord(row, error);
}

WeirStatus WeirCursor::decodeRecord(WeirValue *row, ErrorSlot &err) {
  if (hook && --hookCountdown == 0)
    if (WeirStatus s = hook->reached(*this); s < 0)
      return s;
  if (pacedRate) {
    pace();
    if (stopRequested() && !hook) // a durable run stops in its hook, after a final checkpoint
      return err.set(WEIR_ERR_STOPPED, "stopped by " + stopSignalName());
  }
  for (;;) {
    if (firstFailedRange && firstFailedRange->load(std::memory_order_relaxed) < rangeIndex)
      return err.set(WEIR_ERR_INTERNAL, "cancelled: an earlier part of the input failed");
    DecodeOutcome outcome = decoder->next(row);
    if (outcome == DecodeOutcome::Row) {
      if ((++recordsRead & 0xFFF) == 0) {
        publishProgress();
        if ((recordsRead & 0xFFFF) == 0 && range.fileMapped)
          releaseConsumedPages();
        // A durable run stops in its hook, after a final checkpoint.
        if (stopRequested() && !hook)
          return err.set(WEIR_ERR_STOPPED, "stopped by " + stopSignalName());
      }
      return WEIR_ROW;
    }
    if (outcome == DecodeOutcome::End) {
      publishProgress();
      return WEIR_END;
    }
    ++recordsRead;
    ++recordsBad;
    switch (source.policy.mode) {
    case OnError::Fail:
      return err.set(WEIR_ERR_RECORD, recordWhere() + ": " + decoder->reason());
    case OnError::Skip:
      break;
    case OnError::DeadLetter:
      if (logBadRecords) {
        std::string at = decoder->recordLocation();
        appendDeadLetter(deadLetters, source.name, at.empty() ? source.path : at,
                         at.empty() ? lastRecordLine() : 0, decoder->reason(), decoder->recordText());
      }
      break;
    }
  }
}

int64_t WeirCursor::nextBatch(WeirValue *rows, uint32_t width, uint32_t max) {
  if (ahead_) {
    int64_t n = ahead_->next(rows, width, max);
    if (onTick && n > 0 && ((tickRecords_ += static_cast<uint64_t>(n)) & ~uint64_t(0xFFF)) != 0) {
      tickRecords_ = 0;
      onTick();
    }
    return n;
  }
  if (!hook && !pacedRate && !firstFailedRange && decoder->decodesBatches()) {
    if (stopRequested())
      return error.set(WEIR_ERR_STOPPED, "stopped by " + stopSignalName());
    uint32_t n = decoder->nextBatch(rows, width, max); // never bad records
    recordsRead += n;
    progressRecords.store(recordsRead, std::memory_order_relaxed);
    if (onTick && ((tickRecords_ += n) & ~uint64_t(0xFFF)) != 0) {
      tickRecords_ = 0;
      onTick();
    }
    return n;
  }
  // One record: the hook and the pacing work per record, and a file
  // decoder's strings may live in a buffer the next record reuses.
  WeirStatus s = next(rows);
  return s == WEIR_ROW ? 1 : s == WEIR_END ? 0 : s;
}

extern "C" WeirStatus weir_cursor_next(WeirCursor *cursor, WeirValue *row) {
  return cursor->next(row);
}

extern "C" int64_t weir_cursor_next_batch(WeirCursor *cursor, WeirValue *rows, uint32_t width, uint32_t max) {
  return cursor->nextBatch(rows, width, max);
}

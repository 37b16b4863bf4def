#include "runtime/src/DecodeAhead.h"

#include "runtime/src/Cursor.h"

#include <algorithm>
#include <cassert>
#include <cstring>

using namespace weir::rt;

namespace {
// Records per batch, or fewer when their strings fill kBatchStringBytes
// first; batches the decoder may be ahead by. Together a few MB at most.
constexpr uint32_t kBatchRecords = 1024;
constexpr size_t kBatchStringBytes = 256 << 10;
constexpr size_t kMaxReady = 8;
} // namespace

DecodeAhead::DecodeAhead(WeirCursor &cursor, uint32_t width, std::vector<uint32_t> stringFields)
    : cursor_(cursor), width_(std::max<uint32_t>(width, 1)), stringFields_(std::move(stringFields)) {
  handedOut_ = {cursor.recordsRead, cursor.recordsBad, cursor.deadLetters.size()};
  thread_ = std::thread([this] { decodeLoop(); });
}

DecodeAhead::~DecodeAhead() { stop(); }

void DecodeAhead::stop() {
  if (!thread_.joinable())
    return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  drained_.notify_all();
  thread_.join();
  // The cursor's counts and dead letters are now the decoder's alone: back
  // to those of the records the scan was handed.
  cursor_.recordsRead = handedOut_.read;
  cursor_.recordsBad = handedOut_.bad;
  cursor_.deadLetters.truncate(handedOut_.deadLetterBytes);
}

void DecodeAhead::decodeLoop() {
  ErrorSlot error;
  for (;;) {
    std::unique_ptr<Batch> b;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      drained_.wait(lock, [&] { return stopping_ || ready_.size() < kMaxReady; });
      if (stopping_)
        return;
      if (!free_.empty()) {
        b = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!b)
      b = std::make_unique<Batch>(kBatchRecords, width_);
    b->rows = b->taken = 0;
    b->strings.clear();
    b->end = WEIR_ROW;
    while (b->rows < kBatchRecords && b->strings.size() < kBatchStringBytes) {
      WeirValue *row = b->row(b->rows, width_);
      WeirStatus s = cursor_.decodeRecord(row, error);
      if (s != WEIR_ROW) {
        b->end = s;
        if (s < 0)
          b->error = error.status();
        break;
      }
      b->ownStrings(row, stringFields_); // the decoder's strings live until its next record
      ++b->rows;
    }
    b->after = {cursor_.recordsRead, cursor_.recordsBad, cursor_.deadLetters.size()};
    bool last = b->end != WEIR_ROW;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.push_back(std::move(b));
    }
    filled_.notify_one();
    if (last)
      return;
  }
}

int64_t DecodeAhead::next(WeirValue *rows, uint32_t width, uint32_t max) {
  assert(width == 0 || width == width_);
  for (;;) {
    if (current_ && current_->taken < current_->rows) {
      Batch &b = *current_;
      uint32_t n = std::min(max, b.rows - b.taken);
      std::memcpy(rows, b.row(b.taken, width_), static_cast<size_t>(n) * width_ * sizeof(WeirValue));
      for (uint32_t k = 0; k < n; ++k)
        b.pointStrings(rows + static_cast<size_t>(k) * width_, stringFields_);
      b.taken += n;
      return n;
    }
    if (current_ && current_->end != WEIR_ROW) { // every record taken: the end, or the bad record
      if (current_->end < 0 && !cursor_.error.failed())
        cursor_.error.set(current_->error);
      return current_->end == WEIR_END ? 0 : current_->end;
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (current_)
        free_.push_back(std::move(current_));
      filled_.wait(lock, [&] { return !ready_.empty(); });
      current_ = std::move(ready_.front());
      ready_.pop_front();
    }
    drained_.notify_one();
    handedOut_ = current_->after;
  }
}

#include "runtime/src/BackgroundFormatter.h"

#include <cassert>

using namespace weir::rt;

namespace {
// A block holds this many rows, or fewer when their strings fill
// kBlockStringBytes first: large enough that handing blocks over costs
// nothing per row, small enough to stay in cache while the formatter reads it.
constexpr uint32_t kBlockRows = 2048;
constexpr size_t kBlockStringBytes = 256 << 10;
// Full blocks the pipeline may get ahead of the formatter by, before it
// waits (bounds the memory to a few MB whatever the sink's speed).
constexpr size_t kMaxBlocksOut = 8;
} // namespace

BackgroundFormatter::BackgroundFormatter(const WeirSinkDesc &desc, FormatRow formatRow, WriteOut writeOut)
    : nfields_(desc.nfields), formatRow_(std::move(formatRow)), writeOut_(std::move(writeOut)) {
  for (uint32_t i = 0; i < desc.nfields; ++i)
    if (desc.fields[i].type == WEIR_STRING)
      stringFields_.push_back(i);
  filling_ = std::make_unique<Block>();
  filling_->values.resize(static_cast<size_t>(kBlockRows) * nfields_);
  thread_ = std::thread([this] { formatterLoop(); });
}

BackgroundFormatter::~BackgroundFormatter() {
  drain();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wakeFormatter_.notify_one();
  thread_.join();
}

void BackgroundFormatter::add(const WeirValue *row) {
  Block &b = *filling_;
  WeirValue *to = b.values.data() + static_cast<size_t>(b.rows) * nfields_;
  std::copy(row, row + nfields_, to);
  for (uint32_t f : stringFields_) {
    WeirValue &v = to[f];
    if (v.is_null)
      continue;
    // An offset, not a pointer: `strings` may move as it grows.
    size_t offset = b.strings.size();
    b.strings.append(v.v.str, v.len);
    v.v.i64 = static_cast<int64_t>(offset);
  }
  if (++b.rows == kBlockRows || b.strings.size() >= kBlockStringBytes)
    submitFilling();
}

void BackgroundFormatter::submitFilling() {
  std::unique_ptr<Block> next;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    wakePipeline_.wait(lock, [&] { return blocksOut_ < kMaxBlocksOut; });
    full_.push_back(std::move(filling_));
    ++blocksOut_;
    if (!free_.empty()) {
      next = std::move(free_.back());
      free_.pop_back();
    }
  }
  wakeFormatter_.notify_one();
  if (!next) {
    next = std::make_unique<Block>();
    next->values.resize(static_cast<size_t>(kBlockRows) * nfields_);
  }
  next->rows = 0;
  next->strings.clear();
  filling_ = std::move(next);
}

Status BackgroundFormatter::drain() {
  if (filling_->rows > 0)
    submitFilling();
  std::unique_lock<std::mutex> lock(mutex_);
  wakePipeline_.wait(lock, [&] { return blocksOut_ == 0; });
  return error_;
}

bool BackgroundFormatter::failed() const { return failed_.load(std::memory_order_relaxed); }

void BackgroundFormatter::format(Block &block) {
  for (uint32_t r = 0; r < block.rows; ++r) {
    WeirValue *row = block.values.data() + static_cast<size_t>(r) * nfields_;
    for (uint32_t f : stringFields_)
      if (!row[f].is_null)
        row[f].v.str = block.strings.data() + row[f].v.i64;
    formatRow_(row);
  }
}

void BackgroundFormatter::formatterLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wakeFormatter_.wait(lock, [&] { return stopping_ || !full_.empty(); });
    if (full_.empty())
      return; // stopping, and everything is formatted
    std::unique_ptr<Block> block = std::move(full_.front());
    full_.pop_front();
    bool skip = failed_.load(); // after an error, blocks are dropped: the run fails
    lock.unlock();
    Status status;
    if (!skip) {
      format(*block);
      status = writeOut_();
    }
    lock.lock();
    if (!status.ok() && !failed_.load()) {
      error_ = std::move(status);
      failed_ = true;
    }
    free_.push_back(std::move(block));
    assert(blocksOut_ > 0);
    --blocksOut_;
    wakePipeline_.notify_one();
  }
}

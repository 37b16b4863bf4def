#include "runtime/src/BackgroundFormatter.h"

#include <algorithm>
#include <cassert>

using namespace weir::rt;

namespace {
// A block holds this many rows, or fewer when their strings fill
// kBlockStringBytes first: large enough that handing blocks over costs
// nothing per row, small enough to stay in cache while the formatter reads it.
constexpr uint32_t kBlockRows = 2048;
constexpr size_t kBlockStringBytes = 256 << 10;
// Full blocks a sink may get ahead of the formatter by, before its pipeline
// waits (bounds the memory to a few MB per sink whatever the sink's speed).
constexpr size_t kMaxBlocksOut = 8;
} // namespace

// ------------------------------------------------------------ the thread

FormatterThread::FormatterThread() : thread_([this] { loop(); }) {}

FormatterThread::~FormatterThread() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_.notify_one();
  thread_.join();
}

void FormatterThread::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty())
      return; // stopping, and everything is formatted
    Job job = std::move(queue_.front());
    queue_.pop_front();
    BackgroundFormatter &f = *job.formatter;
    bool skip = f.failed(); // after an error, blocks are dropped: the run fails
    lock.unlock();
    Status status;
    if (!skip) {
      f.format(*job.block);
      status = f.writeOut_();
    }
    lock.lock();
    if (!status.ok() && !f.failed()) {
      f.error_ = std::move(status);
      f.failed_.store(true);
    }
    f.free_.push_back(std::move(job.block));
    assert(f.blocksOut_ > 0);
    --f.blocksOut_;
    done_.notify_all(); // the sinks' pipelines may wait, each for its own
  }
}

// ------------------------------------------------------------ a sink's side

BackgroundFormatter::BackgroundFormatter(FormatterThread &thread, const WeirSinkDesc &desc, FormatRow formatRow,
                                         WriteOut writeOut)
    : thread_(thread), nfields_(desc.nfields), formatRow_(std::move(formatRow)), writeOut_(std::move(writeOut)) {
  for (uint32_t i = 0; i < desc.nfields; ++i)
    if (desc.fields[i].type == WEIR_STRING)
      stringFields_.push_back(i);
}

BackgroundFormatter::~BackgroundFormatter() {
  if (filling_)
    filling_->rows = 0; // not flushed: dropped, as a buffer is
  std::unique_lock<std::mutex> lock(thread_.mutex_);
  thread_.done_.wait(lock, [&] { return blocksOut_ == 0; });
}

void BackgroundFormatter::add(const WeirValue *row) {
  if (!filling_)
    filling_ = std::make_unique<Block>(kBlockRows, nfields_);
  Block &b = *filling_;
  WeirValue *to = b.row(b.rows, nfields_);
  std::copy(row, row + nfields_, to);
  b.ownStrings(to, stringFields_);
  if (++b.rows == kBlockRows || b.strings.size() >= kBlockStringBytes)
    submitFilling();
}

void BackgroundFormatter::submitFilling() {
  std::unique_ptr<Block> next;
  {
    std::unique_lock<std::mutex> lock(thread_.mutex_);
    thread_.done_.wait(lock, [&] { return blocksOut_ < kMaxBlocksOut; });
    thread_.queue_.push_back({this, std::move(filling_)});
    ++blocksOut_;
    if (!free_.empty()) {
      next = std::move(free_.back());
      free_.pop_back();
    }
  }
  thread_.work_.notify_one();
  if (!next)
    next = std::make_unique<Block>(kBlockRows, nfields_);
  next->rows = 0;
  next->strings.clear();
  filling_ = std::move(next);
}

Status BackgroundFormatter::drain() {
  if (filling_ && filling_->rows > 0)
    submitFilling();
  std::unique_lock<std::mutex> lock(thread_.mutex_);
  thread_.done_.wait(lock, [&] { return blocksOut_ == 0; });
  return error_;
}

void BackgroundFormatter::format(Block &block) {
  for (uint32_t r = 0; r < block.rows; ++r) {
    WeirValue *row = block.row(r, nfields_);
    block.pointStrings(row, stringFields_);
    formatRow_(row);
  }
}

// A sink's rows formatted and written on a thread of their own.
//
// With --threads 2 or more, a stage that runs on one thread (a windowed scan:
// its watermark follows the order of arrival, so it is not split; an emit
// stage) spends much of its time turning rows into JSON or CSV text and
// copying it into the kernel: 40-50% of a tumbling-window run. The thread
// that runs the pipeline then only copies each row, strings included, into
// a block; a full block goes to the formatter thread, which formats it with
// the sink writer's own row formatter and writes the text out. Blocks are
// formatted in the order they were filled, so the output is byte for byte
// what the pipeline's thread would have written itself.
#pragma once

#include "runtime/src/Status.h"
#include "weir/runtime.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace weir::rt {

class BackgroundFormatter {
public:
  // Called on the formatter thread only, between drains: formats one row
  // (its strings valid for the call) and, after a block, writes out what is
  // buffered when there is enough of it.
  using FormatRow = std::function<void(const WeirValue *row)>;
  using WriteOut = std::function<Status()>;

  BackgroundFormatter(const WeirSinkDesc &desc, FormatRow formatRow, WriteOut writeOut);
  ~BackgroundFormatter(); // formats what is left, then stops the thread
  BackgroundFormatter(const BackgroundFormatter &) = delete;
  BackgroundFormatter &operator=(const BackgroundFormatter &) = delete;

  // The pipeline's thread: copies the row into the block being filled.
  void add(const WeirValue *row);
  // The pipeline's thread: returns once every row added so far has been
  // formatted and handed to WriteOut's buffer (the formatter thread is then
  // idle until the next add), with the first error the thread met.
  Status drain();
  // An error met on the formatter thread, seen without waiting.
  bool failed() const;

private:
  struct Block {
    std::vector<WeirValue> values; // rows x fields; a string's v.i64 is its offset in `strings`
    std::string strings;
    uint32_t rows = 0;
  };
  void submitFilling();
  void formatterLoop();
  void format(Block &block);

  const uint32_t nfields_;
  std::vector<uint32_t> stringFields_;
  FormatRow formatRow_;
  WriteOut writeOut_;

  std::unique_ptr<Block> filling_; // the pipeline's thread's
  mutable std::mutex mutex_;
  std::condition_variable wakeFormatter_, wakePipeline_;
  std::deque<std::unique_ptr<Block>> full_;  // to format, in order
  std::vector<std::unique_ptr<Block>> free_; // formatted, to reuse
  size_t blocksOut_ = 0;                     // submitted and not yet formatted
  bool stopping_ = false;
  Status error_; // the formatter thread's first error
  std::atomic<bool> failed_{false}; // read by the pipeline's thread per row, without the lock
  std::thread thread_;
};

} // namespace weir::rt

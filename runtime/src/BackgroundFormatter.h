// Sinks' rows formatted and written on a thread of their own.
//
// With --threads 2 or more, a stage that runs on one thread (a windowed scan:
// its watermark follows the order of arrival, so it is not split; an emit
// stage) spends much of its time turning rows into JSON or CSV text and
// copying it into the kernel: 40-60% of a tumbling-window run. The thread
// that runs the pipeline then only copies each row, strings included, into
// a block; a full block goes to the run's formatter thread, which formats it
// with the sink writer's own row formatter and writes the text out. One
// thread serves every sink of the run (a file of 100 feature pipelines has
// 100 sinks), taking blocks in the order they were handed over, so each
// sink's output is byte for byte what the pipeline's thread would have
// written itself.
#pragma once

#include "runtime/src/RowBlock.h"
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

class BackgroundFormatter;

// The thread that formats the blocks of every BackgroundFormatter attached
// to it, first handed over, first formatted. Outlives its formatters.
class FormatterThread {
public:
  FormatterThread();
  ~FormatterThread();
  FormatterThread(const FormatterThread &) = delete;
  FormatterThread &operator=(const FormatterThread &) = delete;

private:
  friend class BackgroundFormatter;
  using Block = RowBlock;
  struct Job {
    BackgroundFormatter *formatter;
    std::unique_ptr<Block> block;
  };
  void loop();

  std::mutex mutex_; // guards the queue and every attached formatter's shared fields
  std::condition_variable work_, done_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

class BackgroundFormatter {
public:
  // Called on the formatter thread only, between drains: formats one row
  // (its strings valid for the call) and, after a block, writes out what is
  // buffered when there is enough of it.
  using FormatRow = std::function<void(const WeirValue *row)>;
  using WriteOut = std::function<Status()>;

  BackgroundFormatter(FormatterThread &thread, const WeirSinkDesc &desc, FormatRow formatRow, WriteOut writeOut);
  ~BackgroundFormatter(); // waits until its blocks are formatted
  BackgroundFormatter(const BackgroundFormatter &) = delete;
  BackgroundFormatter &operator=(const BackgroundFormatter &) = delete;

  // The pipeline's thread: copies the row into the block being filled.
  void add(const WeirValue *row);
  // The pipeline's thread: returns once every row added so far has been
  // formatted and handed to WriteOut (the formatter does nothing more for
  // this sink until the next add), with the first error it met.
  Status drain();
  // An error met on the formatter thread, seen without waiting.
  bool failed() const { return failed_.load(std::memory_order_relaxed); }

private:
  friend class FormatterThread;
  using Block = FormatterThread::Block;
  void submitFilling();
  void format(Block &block); // on the formatter thread

  FormatterThread &thread_;
  const uint32_t nfields_;
  std::vector<uint32_t> stringFields_;
  FormatRow formatRow_;
  WriteOut writeOut_;

  std::unique_ptr<Block> filling_; // the pipeline's thread's
  // Guarded by thread_.mutex_:
  std::vector<std::unique_ptr<Block>> free_; // formatted, to reuse
  size_t blocksOut_ = 0;                     // handed over, not yet formatted
  Status error_;                             // the first error
  std::atomic<bool> failed_{false};          // error_ is set (read without the lock)
};

} // namespace weir::rt

// Progress on a terminal (docs/operations.md, "Progress"): while a batch run
// scans a source, one line on stderr, rewritten in place four times a
// second: the stage, the records and bytes read, the share of the input, the
// rate and the time left. When the stage ends its line is written a last
// time (100% when it completed) and ends with a newline. Only when stderr
// is a terminal: never into a pipe or a file, nor into stdout.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct WeirCursor;

namespace weir::rt {

class ProgressLine {
public:
  ProgressLine();
  ~ProgressLine();
  ProgressLine(const ProgressLine &) = delete;
  ProgressLine &operator=(const ProgressLine &) = delete;

  // A stage scans `source` through `cursors` (one per range; they publish
  // their counts, Cursor.h) until end(); the cursors must outlive it.
  void begin(const std::string &stage, const std::string &source, std::vector<const WeirCursor *> cursors);
  // The stage is done (`completed`: it read its whole input); the cursors'
  // counts are final.
  void end(bool completed);

private:
  struct Counts {
    uint64_t records = 0, bytes = 0;
  };
  Counts read(bool final) const; // under mu_
  void print(bool final, bool completed);
  void loop();

  std::mutex mu_;
  std::condition_variable wake_;
  std::thread thread_;
  bool stop_ = false;
  bool active_ = false;
  std::string label_;
  std::vector<const WeirCursor *> cursors_;
  uint64_t totalBytes_ = 0; // 0: unknown (a generator)
  std::chrono::steady_clock::time_point started_;
};

// Whether progress is shown: stderr is a terminal, no --quiet, no JSON
// report on stderr, and WEIR_PROGRESS is not "0".
bool progressWanted(bool quiet, bool jsonReportOnStderr);

} // namespace weir::rt

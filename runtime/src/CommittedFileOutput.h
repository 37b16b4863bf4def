// A file sink of a checkpointed run. Rows go to TARGET.inprogress, which a
// checkpoint makes durable (fsync) and whose length it records; a restarted
// run truncates the file back to that length and appends, so no row is lost
// or written twice. At the end of the run the file is renamed to TARGET, so
// the output appears complete or not at all.
#pragma once

#include "runtime/src/Output.h"

#include <cstdint>
#include <string>

namespace weir::rt {

std::string inProgressPath(const std::string &target);

class CommittedFileOutput final : public Output {
public:
  ~CommittedFileOutput() override;
  // Creates TARGET.inprogress (and its directories), or, when `resumeLength`
  // is given, truncates the existing one to that length and appends to it.
  Status open(const std::string &target, const uint64_t *resumeLength);
  Status write(const char *p, size_t n) override;
  // Makes everything written so far durable; length() is then committed.
  Status sync();
  uint64_t length() const { return length_; }
  // Closes the file and renames it to TARGET.
  Status commit();
  const std::string &targetPath() const { return target_; }

private:
  std::string target_, path_;
  int fd_ = -1;
  uint64_t length_ = 0;
};

// Durability helpers shared with the dead-letter files.
// Size of the file at `path`, or -1 when it does not exist.
int64_t fileSize(const std::string &path);
// fsync the file.
Status syncPath(const std::string &path);
// Truncates `path` to `length` (the file must be at least that long).
Status truncateTo(const std::string &path, uint64_t length);

} // namespace weir::rt

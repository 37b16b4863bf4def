// Where a sink writer's bytes end up: a file written through a temporary
// next to it and renamed into place at the end, standard output, or (for the
// private writers of a parallel scan) memory that spills to an anonymous
// temporary file.
#pragma once

#include "runtime/src/ByteBuffer.h"
#include "runtime/src/Status.h"
#include "weir/runtime.h"

#include <cstdio>
#include <string>

namespace weir::rt {

class Output {
public:
  virtual ~Output() = default;
  virtual Status write(const char *p, size_t n) = 0;
};

// Where each row is one record of its own (a Kafka topic): the sink writer
// hands over every formatted row (without its line end) at once.
class RecordOutput {
public:
  virtual ~RecordOutput() = default;
  virtual Status writeRecord(const WeirValue *row, const char *p, size_t n) = 0;
};

class FileOutput final : public Output {
public:
  ~FileOutput() override;
  // Creates the parent directories and the temporary file.
  Status open(const std::string &targetPath);
  Status write(const char *p, size_t n) override;
  // Closes the temporary file and renames it to the target.
  Status commit();
  const std::string &targetPath() const { return target_; }

private:
  std::string target_, temp_;
  int fd_ = -1;
  bool direct_ = false; // the target is not a regular file: written in place
};

class StdoutOutput final : public Output {
public:
  Status write(const char *p, size_t n) override;
};

class SpillOutput final : public Output {
public:
  ~SpillOutput() override;
  Status write(const char *p, size_t n) override;
  // Writes everything spilled so far to `to`.
  Status copyTo(Output &to);

private:
  std::FILE *file_ = nullptr;
};

// write(2) until done; false with errno set on failure.
bool writeAll(int fd, const char *p, size_t n);

} // namespace weir::rt

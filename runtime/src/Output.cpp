#include "runtime/src/Output.h"

#include "runtime/src/Status.h"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace weir::rt {

bool writeAll(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

FileOutput::~FileOutput() {
  // Not committed (an internal failure): drop the temporary file.
  if (fd_ >= 0) {
    ::close(fd_);
    if (!direct_)
      ::unlink(temp_.c_str());
  }
}

Status FileOutput::open(const std::string &targetPath) {
  namespace fs = std::filesystem;
  target_ = targetPath;
  fs::path target(targetPath);
  std::error_code ec;
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec)
      return Status::io("cannot create directory " + target.parent_path().string() + ": " + ec.message());
  }
  // A device or a pipe (`/dev/null`, a FIFO) is written in place: renaming a
  // temporary file over it would replace the device with a regular file.
  fs::file_status status = fs::status(target, ec);
  if (!ec && fs::exists(status) && !fs::is_regular_file(status)) {
    direct_ = true;
    temp_ = targetPath;
    fd_ = ::open(targetPath.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0)
      return Status::io("cannot open " + targetPath + ": " + errnoText(errno));
    return {};
  }
  fs::path temp = target.parent_path() /
                  ("." + target.filename().string() + "." + std::to_string(::getpid()) + ".tmp");
  temp_ = temp.string();
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0)
    return Status::io("cannot create " + temp_ + ": " + errnoText(errno));
  return {};
}

Status FileOutput::write(const char *p, size_t n) {
  if (!writeAll(fd_, p, n))
    return Status::io("cannot write " + temp_ + ": " + errnoText(errno));
  return {};
}

Status FileOutput::commit() {
  if (fd_ < 0)
    return {};
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0)
    return Status::io("cannot write " + temp_ + ": " + errnoText(errno));
  if (!direct_ && ::rename(temp_.c_str(), target_.c_str()) != 0)
    return Status::io("cannot rename " + temp_ + " to " + target_ + ": " + errnoText(errno));
  return {};
}

Status StdoutOutput::write(const char *p, size_t n) {
  std::fflush(stdout); // keep order with anything the host printed through stdio
  if (!writeAll(STDOUT_FILENO, p, n))
    return Status::io("cannot write to standard output: " + errnoText(errno));
  return {};
}

SpillOutput::~SpillOutput() {
  if (file_)
    std::fclose(file_);
}

Status SpillOutput::write(const char *p, size_t n) {
  if (!file_ && !(file_ = std::tmpfile()))
    return Status::io(std::string("cannot create a temporary file: ") + errnoText(errno));
  if (std::fwrite(p, 1, n, file_) != n)
    return Status::io(std::string("cannot write a temporary file: ") + errnoText(errno));
  return {};
}

Status SpillOutput::copyTo(Output &to) {
  if (!file_)
    return {};
  if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0)
    return Status::io(std::string("cannot read a temporary file: ") + errnoText(errno));
  char chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, file_)) > 0)
    if (Status s = to.write(chunk, n); !s.ok())
      return s;
  std::fclose(file_);
  file_ = nullptr;
  return {};
}

} // namespace weir::rt

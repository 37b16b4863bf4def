#include "runtime/src/CommittedFileOutput.h"

#include "runtime/src/Status.h"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace weir::rt {

namespace {

// A new directory entry is durable once its directory is synced.
void syncDirectoryOf(const std::string &path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  int fd = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

} // namespace

std::string inProgressPath(const std::string &target) { return target + ".inprogress"; }

int64_t fileSize(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

Status syncPath(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    Status failed = Status::io("cannot sync " + path + ": " + errnoText(errno));
    if (fd >= 0)
      ::close(fd);
    return failed;
  }
  ::close(fd);
  return {};
}

Status truncateTo(const std::string &path, uint64_t length) {
  int64_t size = fileSize(path);
  if (size < 0 || static_cast<uint64_t>(size) < length)
    return Status::io(path + " is " + (size < 0 ? "missing" : "shorter than its checkpointed length (" +
                                                              std::to_string(length) + " bytes)"));
  if (::truncate(path.c_str(), static_cast<off_t>(length)) != 0)
    return Status::io("cannot truncate " + path + ": " + errnoText(errno));
  return {};
}

CommittedFileOutput::~CommittedFileOutput() {
  // Not committed: the .inprogress file stays for the next run to resume.
  if (fd_ >= 0)
    ::close(fd_);
}

Status CommittedFileOutput::open(const std::string &target, const uint64_t *resumeLength) {
  namespace fs = std::filesystem;
  target_ = target;
  path_ = inProgressPath(target);
  std::error_code ec;
  // A device or a pipe cannot be truncated back, and renaming the
  // .inprogress file over it would replace it with a regular file.
  fs::file_status status = fs::status(target, ec);
  if (!ec && fs::exists(status) && !fs::is_regular_file(status))
    return Status::io("a checkpointed run writes its sinks to regular files, and " + target +
                      " is not one (it could not be taken back after a crash)");
  ec.clear();
  fs::path parent = fs::path(target).parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec)
      return Status::io("cannot create directory " + parent.string() + ": " + ec.message());
  }
  if (resumeLength) {
    if (Status s = truncateTo(path_, *resumeLength); !s.ok())
      return std::move(s).withContext("cannot resume");
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    length_ = *resumeLength;
  } else {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    length_ = 0;
  }
  if (fd_ < 0)
    return Status::io("cannot open " + path_ + ": " + errnoText(errno));
  if (!resumeLength)
    syncDirectoryOf(path_);
  return {};
}

Status CommittedFileOutput::write(const char *p, size_t n) {
  if (!writeAll(fd_, p, n))
    return Status::io("cannot write " + path_ + ": " + errnoText(errno));
  length_ += n;
  return {};
}

Status CommittedFileOutput::sync() {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0)
    return Status::io("cannot sync " + path_ + ": " + errnoText(errno));
  return {};
}

Status CommittedFileOutput::commit() {
  if (fd_ < 0)
    return {};
  int fd = fd_;
  fd_ = -1;
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    return Status::io("cannot write " + path_ + ": " + errnoText(errno));
  if (::rename(path_.c_str(), target_.c_str()) != 0)
    return Status::io("cannot rename " + path_ + " to " + target_ + ": " + errnoText(errno));
  syncDirectoryOf(target_);
  return {};
}

} // namespace weir::rt

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

bool syncPath(const std::string &path, std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    error = "cannot sync " + path + ": " + errnoText(errno);
    if (fd >= 0)
      ::close(fd);
    return false;
  }
  ::close(fd);
  return true;
}

bool truncateTo(const std::string &path, uint64_t length, std::string &error) {
  int64_t size = fileSize(path);
  if (size < 0 || static_cast<uint64_t>(size) < length) {
    error = path + " is " + (size < 0 ? "missing" : "shorter than its checkpointed length (" +
                                                         std::to_string(length) + " bytes)");
    return false;
  }
  if (::truncate(path.c_str(), static_cast<off_t>(length)) != 0) {
    error = "cannot truncate " + path + ": " + errnoText(errno);
    return false;
  }
  return true;
}

CommittedFileOutput::~CommittedFileOutput() {
  // Not committed: the .inprogress file stays for the next run to resume.
  if (fd_ >= 0)
    ::close(fd_);
}

bool CommittedFileOutput::open(const std::string &target, const uint64_t *resumeLength,
                               std::string &error) {
  namespace fs = std::filesystem;
  target_ = target;
  path_ = inProgressPath(target);
  std::error_code ec;
  // A device or a pipe cannot be truncated back, and renaming the
  // .inprogress file over it would replace it with a regular file.
  fs::file_status status = fs::status(target, ec);
  if (!ec && fs::exists(status) && !fs::is_regular_file(status)) {
    error = "a checkpointed run writes its sinks to regular files, and " + target +
            " is not one (it could not be taken back after a crash)";
    return false;
  }
  ec.clear();
  fs::path parent = fs::path(target).parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec) {
      error = "cannot create directory " + parent.string() + ": " + ec.message();
      return false;
    }
  }
  if (resumeLength) {
    if (!truncateTo(path_, *resumeLength, error)) {
      error = "cannot resume: " + error;
      return false;
    }
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    length_ = *resumeLength;
  } else {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    length_ = 0;
  }
  if (fd_ < 0) {
    error = "cannot open " + path_ + ": " + errnoText(errno);
    return false;
  }
  if (!resumeLength)
    syncDirectoryOf(path_);
  return true;
}

bool CommittedFileOutput::write(const char *p, size_t n, std::string &error) {
  if (!writeAll(fd_, p, n)) {
    error = "cannot write " + path_ + ": " + errnoText(errno);
    return false;
  }
  length_ += n;
  return true;
}

bool CommittedFileOutput::sync(std::string &error) {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0) {
    error = "cannot sync " + path_ + ": " + errnoText(errno);
    return false;
  }
  return true;
}

bool CommittedFileOutput::commit(std::string &error) {
  if (fd_ < 0)
    return true;
  int fd = fd_;
  fd_ = -1;
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    error = "cannot write " + path_ + ": " + errnoText(errno);
    return false;
  }
  if (::rename(path_.c_str(), target_.c_str()) != 0) {
    error = "cannot rename " + path_ + " to " + target_ + ": " + errnoText(errno);
    return false;
  }
  syncDirectoryOf(target_);
  return true;
}

} // namespace weir::rt

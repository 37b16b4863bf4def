#include "runtime/src/SourceData.h"

#include "runtime/src/Status.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace weir::rt {

bool loadSourceFile(const std::string &path, SourceData &out, std::string &error) {
  out.path = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open " + path + ": " + errnoText(errno);
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = "cannot read " + path + ": not a regular file";
    ::close(fd);
    return false;
  }
  size_t size = static_cast<size_t>(st.st_size);
  simdjson::padded_string buffer(size); // zeroed padding after the data
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, buffer.data() + got, size - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error = "cannot read " + path + ": " + (n < 0 ? errnoText(errno) : "file shrank while reading");
      ::close(fd);
      return false;
    }
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  out.setBytes(std::move(buffer));
  return true;
}

void SourceData::setBytes(simdjson::padded_string bytes) {
  buffer = std::move(bytes);
  dataStart = buffer.size() >= 3 && std::memcmp(buffer.data(), "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

uint64_t countNewlines(const char *from, const char *to) {
  uint64_t n = 0;
  for (const char *p = from; p < to;) {
    const void *nl = std::memchr(p, '\n', static_cast<size_t>(to - p));
    if (!nl)
      break;
    ++n;
    p = static_cast<const char *>(nl) + 1;
  }
  return n;
}

std::vector<ByteRange> splitAtRecordBoundaries(const ByteRange &whole, Format format,
                                               unsigned parts) {
  size_t size = static_cast<size_t>(whole.end - whole.begin);
  if (parts <= 1 || size == 0)
    return {whole};
  if (format == Format::Csv && std::memchr(whole.begin, '"', size))
    return {whole};
  std::vector<ByteRange> ranges;
  const char *start = whole.begin;
  for (unsigned i = 1; i < parts && start < whole.end; ++i) {
    const char *target = whole.begin + size / parts * i;
    if (target < start)
      target = start;
    const void *nl = std::memchr(target, '\n', static_cast<size_t>(whole.end - target));
    const char *cut = nl ? static_cast<const char *>(nl) + 1 : whole.end;
    ranges.push_back({whole.fileBegin, start, cut, whole.readableEnd});
    start = cut;
  }
  if (start < whole.end)
    ranges.push_back({whole.fileBegin, start, whole.end, whole.readableEnd});
  return ranges;
}

} // namespace weir::rt

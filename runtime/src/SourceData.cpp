#include "runtime/src/SourceData.h"

#include "runtime/src/Status.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace weir::rt {

// Files are mapped rather than read: no copy, and the pages are the page
// cache's. They are faulted in as the scan reaches them (sequential
// read-ahead) and dropped behind it by the cursor, so resident memory stays
// a window, not the file. simdjson needs zeroed, readable padding after the data, so a
// zero-filled anonymous region one padding larger is reserved first and the
// file is mapped over its start (the tail of the file's last page reads as
// zeros too).
bool SourceData::mapFile(int fd, size_t size) {
  size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size_t bytes = (size + simdjson::SIMDJSON_PADDING + page - 1) / page * page;
  void *base = ::mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED)
    return false;
  if (size > 0 && ::mmap(base, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) ==
                      MAP_FAILED) {
    ::munmap(base, bytes);
    return false;
  }
  ::madvise(base, bytes, MADV_SEQUENTIAL);
  map_ = base;
  mapBytes_ = bytes;
  data_ = static_cast<const char *>(base);
  size_ = size;
  afterLoad();
  return true;
}

SourceData::~SourceData() {
  if (map_)
    ::munmap(map_, mapBytes_);
}

void SourceData::setBytes(simdjson::padded_string bytes) {
  owned_ = std::move(bytes);
  data_ = owned_.data();
  size_ = owned_.size();
  afterLoad();
}

void SourceData::afterLoad() {
  dataStart = size_ >= 3 && std::memcmp(data_, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

Status loadSourceFile(const std::string &path, SourceData &out) {
  out.path = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::io("cannot open " + path + ": " + errnoText(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::io("cannot read " + path + ": not a regular file");
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (out.mapFile(fd, size)) {
    ::close(fd);
    return {};
  }
  simdjson::padded_string buffer(size); // zeroed padding after the data
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, buffer.data() + got, size - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      ::close(fd);
      return Status::io("cannot read " + path + ": " +
                        (n < 0 ? errnoText(errno) : "file shrank while reading"));
    }
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  out.setBytes(std::move(buffer));
  return {};
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
    ranges.push_back({whole.fileBegin, start, cut, whole.readableEnd, whole.fileMapped});
    start = cut;
  }
  if (start < whole.end)
    ranges.push_back({whole.fileBegin, start, whole.end, whole.readableEnd, whole.fileMapped});
  return ranges;
}

} // namespace weir::rt

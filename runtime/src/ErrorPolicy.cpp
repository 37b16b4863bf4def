#include "runtime/src/ErrorPolicy.h"

#include "runtime/src/Status.h"

#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace weir::rt {

bool parseErrorPolicy(const char *text, ErrorPolicy &out, std::string &error) {
  std::string_view t = text ? text : "";
  OnErrorSpec spec;
  if (t.empty()) {
    out.mode = OnError::Fail;
  } else if (parseOnError(t, spec) == OnErrorParse::Ok) {
    out.mode = spec.mode;
    if (spec.mode == OnError::DeadLetter)
      out.deadLetterPath = std::string(spec.deadLetterPath);
  } else {
    error = "invalid on_error \"" + std::string(t) + "\": expected " + kOnErrorChoices;
    return false;
  }
  return true;
}

void appendDeadLetter(ByteBuffer &out, std::string_view source, std::string_view file,
                      uint64_t line, std::string_view reason, std::string_view raw) {
  out.append("{\"source\":");
  appendJsonString(out, source.data(), source.size());
  out.append(",\"file\":");
  appendJsonString(out, file.data(), file.size());
  out.append(",\"line\":");
  char digits[24];
  auto r = std::to_chars(digits, digits + sizeof digits, line);
  out.append(digits, static_cast<size_t>(r.ptr - digits));
  out.append(",\"reason\":");
  appendJsonString(out, reason.data(), reason.size());
  out.append(",\"raw\":");
  appendJsonString(out, raw.data(), raw.size());
  out.append("}\n");
}

Status appendToFile(const std::string &path, std::string_view bytes) {
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::io("cannot open " + path + ": " + errnoText(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      ::close(fd);
      return Status::io("cannot write " + path + ": " + errnoText(errno));
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0)
    return Status::io("cannot write " + path + ": " + errnoText(errno));
  return {};
}

} // namespace weir::rt

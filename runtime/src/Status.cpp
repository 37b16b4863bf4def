#include "runtime/src/Status.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace weir::rt {

void fatalOutOfMemory() {
  std::fputs("error: out of memory\n", stderr);
  std::abort();
}

std::string errnoText(int err) {
  char buf[256];
  // GNU strerror_r returns the message (possibly not in buf).
  return strerror_r(err, buf, sizeof buf);
}

} // namespace weir::rt

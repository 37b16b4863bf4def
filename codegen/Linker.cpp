#include "codegen/Linker.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Program.h"

using namespace llvm;

namespace weir::codegen {

// Configured by codegen/CMakeLists.txt.
#ifndef WEIR_LINK_DRIVER
#error "WEIR_LINK_DRIVER must name the clang++ driver"
#endif

Error linkExecutable(const std::string &objectPath, const std::string &outputPath) {
  auto driver = sys::findProgramByName(WEIR_LINK_DRIVER);
  if (!driver)
    return createStringError(driver.getError(),
                             "cannot find the linker driver '" + std::string(WEIR_LINK_DRIVER) + "'");
  SmallVector<std::string, 16> args{*driver, objectPath, "-o", outputPath,
                                    WEIR_RUNTIME_MAIN_LIB, WEIR_RUNTIME_LIB};
  SmallVector<StringRef, 8> extra;
  StringRef(WEIR_RUNTIME_LINK_FLAGS).split(extra, ';', -1, false);
  for (StringRef flag : extra)
    args.push_back(flag.str());
  SmallVector<StringRef, 16> argRefs(args.begin(), args.end());
  std::string message;
  int rc = sys::ExecuteAndWait(*driver, argRefs, std::nullopt, {}, 0, 0, &message);
  if (rc != 0)
    return createStringError(inconvertibleErrorCode(), "linking %s failed (%s exited with %d)%s%s",
                             outputPath.c_str(), driver->c_str(), rc, message.empty() ? "" : ": ",
                             message.c_str());
  return Error::success();
}

} // namespace weir::codegen

// weir_main: the entry point of built binaries (via runtime/main.c) and of
// the JIT. Returns an exit code and never calls exit(), so a JIT host
// survives a failed run.
#include "runtime/src/Run.h"

#include <cstdio>
#include <exception>

using namespace weir::rt;

extern "C" int weir_main(const WeirProgramDesc *program, int argc, char **argv) {
  try {
    Options options;
    std::string message;
    switch (parseOptions(*program, argc, argv, options, message)) {
    case ParseResult::Help:
      std::fputs(message.c_str(), stdout);
      std::fflush(stdout);
      return 0;
    case ParseResult::Error:
      std::fprintf(stderr, "error: %s\n", message.c_str());
      return 2;
    case ParseResult::Run:
      break;
    }
    RunReport report;
    Status run = runProgram(*program, options, report);
    WeirStatus status = run.code();
    std::fflush(stdout);
    if (!run.ok())
      std::fprintf(stderr, "error: %s\n", run.message().c_str());
    if (!options.quiet)
      std::fputs(formatReport(report).c_str(), stderr);
    return status == WEIR_OK ? 0 : (status == WEIR_ERR_CONFIG ? 2 : 1);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: internal runtime failure: %s\n", e.what());
    return 1;
  } catch (...) {
    std::fprintf(stderr, "error: internal runtime failure\n");
    return 1;
  }
}

// weir_main: the entry point of built binaries (via runtime/main.c) and of
// the JIT. Returns an exit code and never calls exit(), so a JIT host
// survives a failed run.
#include "runtime/src/ReportJson.h"
#include "runtime/src/Run.h"
#include "runtime/src/StopSignal.h"
#include "runtime/src/observe/HttpEndpoint.h"
#include "runtime/src/observe/Telemetry.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <exception>

using namespace weir::rt;

namespace {

// The process's exit code for a run's status (docs/operations.md, "Exit
// codes"); 1 is the compiler's: the pipeline file has errors.
int exitCodeOf(WeirStatus status) {
  switch (status) {
  case WEIR_OK: return 0;
  case WEIR_ERR_CONFIG: return 2; // an option, URI or binding is wrong
  case WEIR_ERR_RECORD: return 3; // a malformed record under on_error = "fail"
  case WEIR_ERR_IO: return 4;     // files, Kafka, the checkpoint store
  case WEIR_ERR_STOPPED:          // SIGINT/SIGTERM: as the shell reports a signal
    return 128 + (gStopSignal.load() ? gStopSignal.load() : SIGINT);
  default: return 5;              // an internal failure
  }
}

} // namespace

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
    // --metrics: serve before the run starts, so a scrape sees it all.
    std::unique_ptr<Telemetry> telemetry;
    std::unique_ptr<HttpEndpoint> endpoint;
    if (!options.metricsHost.empty()) {
      telemetry = std::make_unique<Telemetry>(*program);
      if (Status s = HttpEndpoint::start(options.metricsHost, options.metricsPort, *telemetry, endpoint); !s.ok()) {
        std::fprintf(stderr, "error: %s\n", s.message().c_str());
        return exitCodeOf(s.code());
      }
      std::string host = options.metricsHost.find(':') != std::string::npos ? "[" + options.metricsHost + "]"
                                                                             : options.metricsHost;
      std::string url = "http://" + host + ":" + std::to_string(endpoint->port());
      if (!options.quiet)
        std::fprintf(stderr, "weir: metrics at %s/metrics, status page at %s/\n", url.c_str(), url.c_str());
    }
    RunReport report;
    Status run = runProgram(*program, options, report, telemetry.get());
    WeirStatus status = run.code();
    std::fflush(stdout);
    if (!run.ok())
      std::fprintf(stderr, "error: %s\n", run.message().c_str());
    int exitCode = exitCodeOf(status);
    if (options.reportJson)
      writeReport(options, formatReportJson(report, "run", exitCode, run.ok() ? "" : run.message()));
    else if (!options.quiet || !options.reportFile.empty())
      writeReport(options, formatReport(report));
    if (telemetry) {
      telemetry->finish(report, exitCode, run.ok() ? "" : run.message());
      if (options.metricsLingerMs > 0)
        telemetry->waitFinalScraped(std::chrono::milliseconds(options.metricsLingerMs));
    }
    return exitCode;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: internal runtime failure: %s\n", e.what());
    return exitCodeOf(WEIR_ERR_INTERNAL);
  } catch (...) {
    std::fprintf(stderr, "error: internal runtime failure\n");
    return exitCodeOf(WEIR_ERR_INTERNAL);
  }
}

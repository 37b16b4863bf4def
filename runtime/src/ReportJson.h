// Machine-readable run reports (--report json): the end-of-run report and,
// for streaming runs, a progress object per micro-batch or interval (like
// Spark's StreamingQueryProgress), each one JSON object on one line.
// Schema: docs/schemas/report.schema.json; docs/operations.md describes it.
#pragma once

#include "runtime/src/Run.h"

#include <string>

namespace weir::rt {

// "run": the end of the run (`ok`, `exit_code`, `error` set);
// "progress": a streaming run's counts so far.
std::string formatReportJson(const RunReport &report, const char *type, int exitCode,
                             const std::string &error);

} // namespace weir::rt

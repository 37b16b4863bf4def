// What the --metrics endpoint serves (HttpEndpoint.cpp), each made from one
// Telemetry::Sample: /metrics (MetricsView.cpp, the names are documented in
// docs/operations.md), /status.json (StatusJson.cpp, schema
// docs/schemas/status.schema.json) and / (StatusPage.cpp, the page that
// draws /status.json).
#pragma once

#include "runtime/src/observe/Telemetry.h"

#include <string>

namespace weir::rt {

std::string metricsText(const Telemetry::Sample &sample);
std::string statusJson(const Telemetry::Sample &sample);
const char *statusPageHtml();

} // namespace weir::rt

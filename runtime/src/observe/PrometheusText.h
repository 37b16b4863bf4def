// The Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): a family's
// # HELP and # TYPE lines, then its samples, label values escaped.
#pragma once

#include "runtime/src/observe/Telemetry.h"

#include <string>
#include <utility>
#include <vector>

namespace weir::rt {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
public:
  static constexpr const char *kContentType = "text/plain; version=0.0.4; charset=utf-8";

  // Starts a family: type is counter, gauge or histogram.
  void family(const std::string &name, const char *type, const char *help);
  void sample(const std::string &name, const MetricLabels &labels, double value);
  void sample(const std::string &name, const MetricLabels &labels, uint64_t value);
  // name_bucket{...,le="..."} (cumulative), name_sum, name_count.
  void histogram(const std::string &name, const MetricLabels &labels, const Histogram &h);
  const std::string &text() const { return out_; }

private:
  void labelsOf(const MetricLabels &labels, const char *le = nullptr);
  std::string out_;
};

} // namespace weir::rt

#include "runtime/src/observe/PrometheusText.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace weir::rt {
namespace {

// Label values escape backslash, double quote and newline; HELP text
// backslash and newline.
void escaped(std::string &out, const std::string &text, bool quotes) {
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quotes)
      out += "\\\"";
    else
      out += c;
  }
}

std::string number(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v); // shortest text that reads back the same
  return std::string(buf, ec == std::errc() ? end : buf);
}

} // namespace

void PrometheusText::family(const std::string &name, const char *type, const char *help) {
  out_ += "# HELP " + name + " ";
  escaped(out_, help, /*quotes=*/false);
  out_ += "\n# TYPE " + name + " " + type + "\n";
}

void PrometheusText::labelsOf(const MetricLabels &labels, const char *le) {
  if (labels.empty() && !le)
    return;
  out_ += '{';
  bool first = true;
  for (const auto &[key, value] : labels) {
    out_ += (first ? "" : ",") + key + "=\"";
    escaped(out_, value, /*quotes=*/true);
    out_ += '"';
    first = false;
  }
  if (le)
    out_ += std::string(first ? "" : ",") + "le=\"" + le + "\"";
  out_ += '}';
}

void PrometheusText::sample(const std::string &name, const MetricLabels &labels, double value) {
  out_ += name;
  labelsOf(labels);
  out_ += " " + number(value) + "\n";
}

void PrometheusText::sample(const std::string &name, const MetricLabels &labels, uint64_t value) {
  out_ += name;
  labelsOf(labels);
  out_ += " " + std::to_string(value) + "\n";
}

void PrometheusText::histogram(const std::string &name, const MetricLabels &labels, const Histogram &h) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.counts().size(); ++i) {
    cumulative += h.counts()[i];
    std::string le = i < h.bounds().size() ? number(h.bounds()[i]) : "+Inf";
    out_ += name + "_bucket";
    labelsOf(labels, le.c_str());
    out_ += " " + std::to_string(cumulative) + "\n";
  }
  sample(name + "_sum", labels, h.sum());
  sample(name + "_count", labels, h.count());
}

} // namespace weir::rt

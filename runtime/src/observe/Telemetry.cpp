#include "runtime/src/observe/Telemetry.h"

#include "runtime/src/Cursor.h"

#include <algorithm>

namespace weir::rt {
namespace {

// Seconds: from 1 ms to a minute. Bytes: 1 KiB to 1 GiB, by fours.
std::vector<double> secondsBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}
std::vector<double> bytesBuckets() {
  std::vector<double> b;
  for (double v = 1024; v <= (1u << 30); v *= 4)
    b.push_back(v);
  return b;
}
constexpr size_t kErrorsKept = 5;

std::mutex compileMu;
std::vector<std::pair<std::string, double>> compilePhases; // ms, in order

} // namespace

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}

void Histogram::observe(double value) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  ++counts_[i];
  sum_ += value;
  ++count_;
}

Telemetry::Telemetry(const WeirProgramDesc &program)
    : program_(program), liveScans_(program.nsources), endedBytes_(program.nsources),
      checkpointSeconds_(secondsBuckets()), checkpointBytes_(bytesBuckets()),
      latency_(program.nsinks, Histogram(secondsBuckets())) {}

void Telemetry::publish(LiveFigures figures) {
  std::lock_guard<std::mutex> lock(mu_);
  figures_ = std::move(figures);
  remember();
}

Telemetry::Counts Telemetry::countsNow() const {
  Counts c;
  c.at = std::chrono::steady_clock::now();
  c.sources.assign(program_.nsources, 0);
  for (size_t i = 0; i < c.sources.size(); ++i) {
    if (i < figures_.report.sources.size())
      c.sources[i] = figures_.report.sources[i].read;
    for (const WeirCursor *cursor : liveScans_[i])
      if (cursor->logBadRecords)
        c.sources[i] += cursor->progressRecords.load(std::memory_order_relaxed);
  }
  for (const RunReport::Sink &s : figures_.report.sinks)
    c.sinks.push_back(s.rows);
  c.sinks.resize(program_.nsinks, 0);
  return c;
}

void Telemetry::remember() {
  recent_.push_back(countsNow());
  while (recent_.size() > 2 && recent_.front().at < recent_.back().at - kRateWindow)
    recent_.pop_front();
}

void Telemetry::scanBegins(uint32_t source, std::vector<const WeirCursor *> cursors) {
  std::lock_guard<std::mutex> lock(mu_);
  liveScans_[source] = std::move(cursors);
}

void Telemetry::scanEnds(LiveFigures figures) {
  std::lock_guard<std::mutex> lock(mu_);
  for (uint32_t s = 0; s < liveScans_.size(); ++s) {
    for (const WeirCursor *c : liveScans_[s])
      if (c->logBadRecords)
        endedBytes_[s] += c->progressBytes.load(std::memory_order_relaxed);
    liveScans_[s].clear();
  }
  figures_ = std::move(figures);
  remember();
}

void Telemetry::observeCheckpoint(double seconds, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  checkpointSeconds_.observe(seconds);
  checkpointBytes_.observe(static_cast<double>(bytes));
}

void Telemetry::observeLatency(uint32_t sink, const std::vector<double> &seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sink < latency_.size())
    for (double s : seconds)
      latency_[sink].observe(s);
}

void Telemetry::observeErrorMessage(const std::string &message) {
  std::lock_guard<std::mutex> lock(mu_);
  errors_.push_back(message);
  if (errors_.size() > kErrorsKept)
    errors_.erase(errors_.begin());
}

void Telemetry::setCompilePhases(std::vector<std::pair<std::string, double>> phasesMs) {
  // A phase named twice (none is today) is one sample: the sum.
  std::vector<std::pair<std::string, double>> merged;
  for (auto &[name, ms] : phasesMs) {
    auto same = std::find_if(merged.begin(), merged.end(), [&](const auto &p) { return p.first == name; });
    if (same == merged.end())
      merged.emplace_back(name, ms);
    else
      same->second += ms;
  }
  std::lock_guard<std::mutex> lock(compileMu);
  compilePhases = std::move(merged);
}

Telemetry::Sample Telemetry::sample() {
  Sample s;
  s.program = &program_;
  {
    std::lock_guard<std::mutex> lock(compileMu);
    s.compilePhasesMs = compilePhases;
  }
  std::lock_guard<std::mutex> lock(mu_);
  s.figures = figures_;
  size_t n = program_.nsources;
  s.sourceRecords.assign(n, 0);
  s.sourceBad.assign(n, 0);
  s.sourceBytes = endedBytes_;
  for (size_t i = 0; i < n && i < figures_.report.sources.size(); ++i) {
    s.sourceRecords[i] = figures_.report.sources[i].read;
    s.sourceBad[i] = figures_.report.sources[i].bad;
  }
  for (size_t i = 0; i < n; ++i)
    for (const WeirCursor *c : liveScans_[i])
      if (c->logBadRecords) {
        s.sourceRecords[i] += c->progressRecords.load(std::memory_order_relaxed);
        s.sourceBad[i] += c->progressBad.load(std::memory_order_relaxed);
        s.sourceBytes[i] += c->progressBytes.load(std::memory_order_relaxed);
      }
  s.checkpointSeconds = checkpointSeconds_;
  s.checkpointBytes = checkpointBytes_;
  s.latency = latency_;
  s.errors = errors_;
  // Rates: now against the oldest remembered counts (a finished run: 0).
  Counts now = countsNow();
  s.sourceRate.assign(now.sources.size(), 0);
  s.sinkRate.assign(now.sinks.size(), 0);
  if (!recent_.empty() && !figures_.finished) {
    const Counts &then = recent_.front();
    double dt = std::chrono::duration<double>(now.at - then.at).count();
    if (dt > 0.05) {
      for (size_t i = 0; i < now.sources.size() && i < then.sources.size(); ++i)
        s.sourceRate[i] = static_cast<double>(now.sources[i] - std::min(now.sources[i], then.sources[i])) / dt;
      for (size_t i = 0; i < now.sinks.size() && i < then.sinks.size(); ++i)
        s.sinkRate[i] = static_cast<double>(now.sinks[i] - std::min(now.sinks[i], then.sinks[i])) / dt;
    }
  }
  s.uptimeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  s.nowUnixMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  return s;
}

void Telemetry::markFinalScraped() {
  std::lock_guard<std::mutex> lock(mu_);
  if (figures_.finished && !finalScraped_) {
    finalScraped_ = true;
    scraped_.notify_all();
  }
}

bool Telemetry::waitFinalScraped(std::chrono::milliseconds limit) {
  std::unique_lock<std::mutex> lock(mu_);
  return scraped_.wait_for(lock, limit, [this] { return finalScraped_; });
}

void Telemetry::finish(const RunReport &report, int exitCode, const std::string &error) {
  std::lock_guard<std::mutex> lock(mu_);
  figures_.report = report;
  figures_.finished = true;
  figures_.exitCode = exitCode;
  figures_.error = error;
  figures_.stage.clear();
  if (!error.empty()) {
    errors_.push_back(error);
    if (errors_.size() > kErrorsKept)
      errors_.erase(errors_.begin());
  }
  for (auto &scans : liveScans_)
    scans.clear();
}

} // namespace weir::rt

extern "C" void weir_set_compile_times(uint32_t n, const char *const *phases, const double *ms) {
  std::vector<std::pair<std::string, double>> list;
  for (uint32_t i = 0; i < n; ++i)
    list.emplace_back(phases[i] ? phases[i] : "?", ms[i]);
  weir::rt::Telemetry::setCompilePhases(std::move(list));
}

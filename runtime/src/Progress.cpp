#include "runtime/src/Progress.h"

#include "runtime/src/Cursor.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace weir::rt {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kEvery = std::chrono::milliseconds(250);

// 1234567 -> "1,234,567"
std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

std::string megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

std::string rate(double perSecond) {
  char buf[32];
  if (perSecond >= 1e6)
    std::snprintf(buf, sizeof buf, "%.1fM", perSecond / 1e6);
  else if (perSecond >= 1e3)
    std::snprintf(buf, sizeof buf, "%.1fk", perSecond / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.0f", perSecond);
  return buf;
}

std::string seconds(double s) {
  char buf[32];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.1fs", s);
  else
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return buf;
}

} // namespace

bool progressWanted(bool quiet, bool jsonReportOnStderr) {
  if (quiet || jsonReportOnStderr || !::isatty(STDERR_FILENO))
    return false;
  const char *env = std::getenv("WEIR_PROGRESS");
  return !(env && std::strcmp(env, "0") == 0);
}

ProgressLine::ProgressLine() : thread_([this] { loop(); }) {}

ProgressLine::~ProgressLine() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ProgressLine::begin(const std::string &stage, const std::string &source,
                         std::vector<const WeirCursor *> cursors) {
  std::lock_guard<std::mutex> lock(mu_);
  label_ = stage + " (" + source + ")";
  cursors_ = std::move(cursors);
  totalBytes_ = 0;
  for (const WeirCursor *c : cursors_)
    if (c->range.begin && c->range.end > c->range.begin)
      totalBytes_ += static_cast<uint64_t>(c->range.end - c->range.begin);
  started_ = Clock::now();
  active_ = true;
}

void ProgressLine::end(bool completed) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!active_)
    return;
  print(/*final=*/true, completed);
  active_ = false;
  cursors_.clear();
}

ProgressLine::Counts ProgressLine::read(bool final) const {
  Counts c;
  for (const WeirCursor *cursor : cursors_) {
    // The final counts are the cursors' own (their threads are done); while
    // they run, what they last published.
    c.records += final ? cursor->recordsRead : cursor->progressRecords.load(std::memory_order_relaxed);
    c.bytes += cursor->progressBytes.load(std::memory_order_relaxed);
  }
  return c;
}

void ProgressLine::print(bool final, bool completed) {
  Counts c = read(final);
  double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  std::string line = label_ + ": " + grouped(c.records) + " records";
  if (totalBytes_) {
    uint64_t bytes = final && completed ? totalBytes_ : std::min(c.bytes, totalBytes_);
    line += ", " + megabytes(bytes) + " of " + megabytes(totalBytes_);
    line += " (" + std::to_string(bytes * 100 / totalBytes_) + "%)";
    if (!final && bytes > 0 && elapsed > 0) {
      double left = elapsed * static_cast<double>(totalBytes_ - bytes) / static_cast<double>(bytes);
      line += ", ETA " + seconds(left);
    }
  }
  if (elapsed > 0)
    line += ", " + rate(static_cast<double>(c.records) / elapsed) + " records/s";
  if (final)
    line += completed ? ", done in " + seconds(elapsed) : ", stopped";
  // Rewrite the line in place: carriage return, the text, clear to the end.
  std::fprintf(stderr, "\r%s\033[K%s", line.c_str(), final ? "\n" : "");
  std::fflush(stderr);
}

void ProgressLine::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, kEvery);
    if (!stop_ && active_ && Clock::now() - started_ >= kEvery)
      print(/*final=*/false, false);
  }
}

} // namespace weir::rt

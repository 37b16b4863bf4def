#include "runtime/src/ReportJson.h"

#include "common/ErrorPolicyText.h"
#include "common/TimeFormat.h"
#include "runtime/src/JsonLine.h"

#include <chrono>
#include <climits>
#include <cstdio>

namespace weir::rt {
namespace {

// The human report's durability and streaming lines, as they are.
void notes(JsonLine &j, const RunReport &r) {
  j.openArray("notes");
  for (const std::string *text : {&r.streaming, &r.durability}) {
    size_t at = 0;
    while (at < text->size()) {
      size_t end = text->find('\n', at);
      if (end == std::string::npos)
        end = text->size();
      std::string line = text->substr(at, end - at);
      size_t b = line.find_first_not_of(' ');
      if (b != std::string::npos) {
        j.element(); // {"text": ...}
        j.str("text", line.substr(b));
        j.close();
      }
      at = end + 1;
    }
  }
  j.closeArray();
}

} // namespace

std::string formatReportJson(const RunReport &r, const char *type, int exitCode, const std::string &error) {
  JsonLine j;
  j.open();
  j.str("type", type);
  j.num("version", 1);
  j.str("program", r.programName);
  j.time("timestamp", std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
  j.real("seconds", r.seconds);
  if (std::string(type) == "run") {
    j.boolean("ok", r.ok);
    j.num("exit_code", static_cast<uint64_t>(exitCode));
    if (error.empty())
      j.null("error");
    else
      j.str("error", error);
  }
  j.openArray("sources");
  for (const RunReport::Source &s : r.sources) {
    j.element();
    j.str("name", s.name);
    j.str("location", s.path);
    j.boolean("scanned", s.scanned);
    j.num("records_read", s.read);
    j.num("bad_records", s.bad);
    j.str("on_error", onErrorModeName(s.mode));
    if (s.mode == OnError::DeadLetter)
      j.str("dead_letter_path", s.deadLetterPath);
    else
      j.null("dead_letter_path");
    j.close();
  }
  j.closeArray();
  j.openArray("sinks");
  for (const RunReport::Sink &s : r.sinks) {
    j.element();
    j.str("name", s.name);
    j.str("location", s.where);
    j.boolean("written", s.written);
    j.num("rows", s.rows);
    j.close();
  }
  j.closeArray();
  j.openArray("event_time");
  for (const RunReport::EventClock &c : r.clocks) {
    j.element();
    j.str("state", c.state);
    j.time("watermark", c.maxEventTime == INT64_MIN ? INT64_MIN : c.watermark);
    j.time("max_event_time", c.maxEventTime);
    j.num("late_rows", c.lateRows);
    j.close();
  }
  j.closeArray();
  if (r.durable.checkpointing) {
    j.openObject("checkpoints");
    j.num("count", r.durable.checkpoints);
    j.num("bytes", r.durable.checkpointBytes);
    j.real("seconds", r.durable.checkpointSeconds);
    j.close();
  } else {
    j.null("checkpoints");
  }
  if (r.durable.stateMemoryCap) {
    j.openObject("state_memory");
    j.num("cap_bytes", r.durable.stateMemoryCap);
    j.num("peak_resident_bytes", r.durable.peakResidentBytes);
    j.num("evictions", r.durable.evictions);
    j.num("peak_spilled_keys", r.durable.peakSpilledKeys);
    j.close();
  } else {
    j.null("state_memory");
  }
  j.num("commits", r.commits);
  j.num("batches", r.batches);
  notes(j, r);
  j.close();
  return j.text();
}

} // namespace weir::rt

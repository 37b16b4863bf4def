// /status.json: what the status page draws (StatusPage.cpp), one object;
// schema docs/schemas/status.schema.json. Counts are cumulative: the page
// turns successive samples into rates.
#include "common/ErrorPolicyText.h"
#include "runtime/src/JsonLine.h"
#include "runtime/src/observe/Views.h"

namespace weir::rt {
namespace {

const char *stageKind(uint32_t kind) {
  switch (kind) {
  case WEIR_STAGE_TABLE_BUILD:
    return "table_build";
  case WEIR_STAGE_EMIT:
    return "emit";
  default:
    return "scan";
  }
}

// "key": [{"index": first}, {"index": more[0]}, ...], -1s left out: a
// stage's states or sinks (the first, then the shared scan's others).
void indexArray(JsonLine &j, const char *key, int32_t first, uint32_t nmore, const int32_t *more) {
  j.openArray(key);
  for (uint32_t k = 0; k <= nmore; ++k) {
    int32_t index = k == 0 ? first : more[k - 1];
    if (index < 0)
      continue;
    j.element();
    j.integer("index", index);
    j.close();
  }
  j.closeArray();
}

// The plan as the runtime knows it from the compiled program: sources,
// stages (fused loops), keyed states and sinks, and what feeds what.
void plan(JsonLine &j, const WeirProgramDesc &p) {
  j.openObject("plan");
  j.openArray("stages");
  for (uint32_t i = 0; i < p.nstages; ++i) {
    const WeirStageDesc &st = p.stages[i];
    j.element();
    j.str("name", st.name ? st.name : "?");
    j.str("kind", stageKind(st.kind));
    j.integer("source", st.source);
    j.integer("reads_state", st.state);
    indexArray(j, "writes_states", st.target_state, st.nmore_states, st.more_states);
    indexArray(j, "sinks", st.sink, st.nmore_sinks, st.more_sinks);
    j.close();
  }
  j.closeArray();
  j.close();
}

} // namespace

std::string statusJson(const Telemetry::Sample &s) {
  const WeirProgramDesc &p = *s.program;
  const LiveFigures &f = s.figures;
  const RunReport &r = f.report;
  JsonLine j;
  j.open();
  j.str("program", p.program_name ? p.program_name : "program");
  j.str("trigger", f.trigger.empty() ? programTrigger(p) : f.trigger);
  j.boolean("finished", f.finished);
  if (f.finished)
    j.integer("exit_code", f.exitCode);
  j.str("stage", f.stage);
  j.real("uptime_seconds", s.uptimeSeconds);
  j.integer("now_ms", s.nowUnixMs);
  j.num("batches", r.batches);
  j.openArray("sources");
  for (uint32_t i = 0; i < p.nsources; ++i) {
    j.element();
    j.str("name", p.sources[i].name);
    j.num("records", s.sourceRecords[i]);
    j.num("bytes", s.sourceBytes[i]);
    j.num("bad", s.sourceBad[i]);
    j.real("records_per_second", s.sourceRate[i]);
    j.str("on_error", onErrorModeName(i < r.sources.size() ? r.sources[i].mode : OnErrorMode::Fail));
    j.close();
  }
  j.closeArray();
  j.openArray("sinks");
  for (uint32_t i = 0; i < p.nsinks; ++i) {
    j.element();
    j.str("name", p.sinks[i].name);
    j.num("rows", i < r.sinks.size() ? r.sinks[i].rows : 0);
    j.real("rows_per_second", s.sinkRate[i]);
    const Histogram *h = i < s.latency.size() ? &s.latency[i] : nullptr;
    if (h && h->count())
      j.real("mean_latency_seconds", h->sum() / static_cast<double>(h->count()));
    j.close();
  }
  j.closeArray();
  j.openArray("states");
  for (uint32_t i = 0; i < f.states.size(); ++i) {
    const LiveState &st = f.states[i];
    j.element();
    j.str("name", st.name);
    j.boolean("windowed", st.windowed);
    j.num("keys", st.keys);
    j.num("resident_bytes", st.residentBytes);
    j.num("spilled_keys", st.spilledKeys);
    j.num("timers_pending", st.timersPending);
    j.close();
  }
  j.closeArray();
  j.openArray("clocks");
  for (const auto &c : r.clocks) {
    j.element();
    j.str("state", c.state);
    if (c.watermark != INT64_MIN) {
      j.integer("watermark_ms", c.watermark);
      j.real("watermark_lag_seconds", static_cast<double>(s.nowUnixMs - c.watermark) / 1e3);
    }
    j.num("late_rows", c.lateRows);
    j.close();
  }
  j.closeArray();
  j.openArray("partitions");
  for (const LivePartition &part : f.partitions) {
    j.element();
    j.str("source", part.source);
    j.integer("partition", part.partition);
    j.integer("position", part.position);
    j.integer("end", part.end);
    if (part.position >= 0 && part.end >= 0)
      j.integer("lag", std::max<int64_t>(0, part.end - part.position));
    j.close();
  }
  j.closeArray();
  j.openObject("checkpoints");
  j.num("count", f.checkpoints);
  if (f.lastCheckpointUnixMs)
    j.integer("last_ms", f.lastCheckpointUnixMs);
  if (s.checkpointSeconds.count())
    j.real("mean_seconds", s.checkpointSeconds.sum() / static_cast<double>(s.checkpointSeconds.count()));
  j.close();
  j.openArray("errors");
  for (const std::string &e : s.errors) {
    j.element();
    j.str("message", e);
    j.close();
  }
  j.closeArray();
  plan(j, p);
  j.close();
  return j.text();
}

} // namespace weir::rt

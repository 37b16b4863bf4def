// /metrics: every metric Weir exports, in one place. Names follow the
// Prometheus conventions (base units, _total for counters); every sample
// carries program="..."; docs/operations.md lists them.
#include "common/ErrorPolicyText.h"
#include "runtime/src/observe/PrometheusText.h"
#include "runtime/src/observe/Views.h"

#include <climits>

namespace weir::rt {
namespace {

class Exporter {
public:
  explicit Exporter(const Telemetry::Sample &s)
      : s_(s), program_(s.figures.report.programName.empty() && s.program->program_name
                            ? s.program->program_name
                            : s.figures.report.programName) {}

  std::string run() {
    runFamilies();
    sourceFamilies();
    eventTimeFamilies();
    kafkaFamilies();
    sinkFamilies();
    stateFamilies();
    checkpointFamilies();
    compileFamilies();
    return out_.text();
  }

private:
  MetricLabels labels(MetricLabels more = {}) const {
    more.insert(more.begin(), {"program", program_});
    return more;
  }
  const RunReport &report() const { return s_.figures.report; }

  void runFamilies() {
    out_.family("weir_run_info", "gauge", "The running program and its trigger (always 1).");
    const std::string &trigger = s_.figures.trigger;
    out_.sample("weir_run_info", labels({{"trigger", trigger.empty() ? programTrigger(*s_.program) : trigger}}),
                uint64_t(1));
    out_.family("weir_run_uptime_seconds", "gauge", "Seconds since the run started.");
    out_.sample("weir_run_uptime_seconds", labels(), s_.uptimeSeconds);
    out_.family("weir_run_finished", "gauge", "1 once the run has ended (its figures are final), else 0.");
    out_.sample("weir_run_finished", labels(), uint64_t(s_.figures.finished));
    if (s_.figures.finished) {
      out_.family("weir_run_exit_code", "gauge", "The process exit code of a run that has ended.");
      out_.sample("weir_run_exit_code", labels(), static_cast<double>(s_.figures.exitCode));
    }
    out_.family("weir_streaming_batches_total", "counter",
                "Micro-batches (every) or passes (realtime) of a streaming run.");
    out_.sample("weir_streaming_batches_total", labels(), report().batches);
  }

  void sourceFamilies() {
    out_.family("weir_source_records_total", "counter", "Records read from a source, good and bad.");
    for (uint32_t i = 0; i < s_.program->nsources; ++i)
      out_.sample("weir_source_records_total", labels({{"source", s_.program->sources[i].name}}),
                  s_.sourceRecords[i]);
    out_.family("weir_source_bytes_total", "counter", "Bytes of a file source decoded.");
    for (uint32_t i = 0; i < s_.program->nsources; ++i)
      out_.sample("weir_source_bytes_total", labels({{"source", s_.program->sources[i].name}}), s_.sourceBytes[i]);
    out_.family("weir_source_bad_records_total", "counter",
                "Malformed records, by the source's on_error policy (fail, skip, dead_letter).");
    for (uint32_t i = 0; i < s_.program->nsources; ++i) {
      OnErrorMode mode = i < report().sources.size() ? report().sources[i].mode : OnErrorMode::Fail;
      out_.sample("weir_source_bad_records_total",
                  labels({{"source", s_.program->sources[i].name}, {"policy", onErrorModeName(mode)}}),
                  s_.sourceBad[i]);
    }
  }

  void eventTimeFamilies() {
    const auto &clocks = report().clocks;
    out_.family("weir_late_rows_total", "counter",
                "Rows a windowed state dropped because they came behind its watermark.");
    for (const auto &c : clocks)
      out_.sample("weir_late_rows_total", labels({{"state", c.state}}), c.lateRows);
    out_.family("weir_watermark_seconds", "gauge", "A windowed state's watermark (Unix seconds of event time).");
    out_.family("weir_watermark_lag_seconds", "gauge",
                "Wall clock minus a windowed state's watermark: how far event time is behind.");
    for (const auto &c : clocks)
      if (c.watermark != INT64_MIN) {
        out_.sample("weir_watermark_seconds", labels({{"state", c.state}}), static_cast<double>(c.watermark) / 1e3);
        out_.sample("weir_watermark_lag_seconds", labels({{"state", c.state}}),
                    static_cast<double>(s_.nowUnixMs - c.watermark) / 1e3);
      }
  }

  void kafkaFamilies() {
    out_.family("weir_kafka_consumer_lag_records", "gauge",
                "Records of a Kafka partition not yet read: its end offset minus the source's position.");
    for (const LivePartition &p : s_.figures.partitions)
      if (p.position >= 0 && p.end >= 0)
        out_.sample("weir_kafka_consumer_lag_records",
                    labels({{"source", p.source}, {"partition", std::to_string(p.partition)}}),
                    static_cast<double>(std::max<int64_t>(0, p.end - p.position)));
    out_.family("weir_kafka_position", "gauge", "The next offset a source reads in a Kafka partition.");
    for (const LivePartition &p : s_.figures.partitions)
      if (p.position >= 0)
        out_.sample("weir_kafka_position", labels({{"source", p.source}, {"partition", std::to_string(p.partition)}}),
                    static_cast<double>(p.position));
  }

  void sinkFamilies() {
    out_.family("weir_sink_rows_total", "counter", "Rows a sink has written (buffered rows included).");
    for (uint32_t i = 0; i < s_.program->nsinks; ++i) {
      uint64_t rows = i < report().sinks.size() ? report().sinks[i].rows : 0;
      out_.sample("weir_sink_rows_total", labels({{"sink", s_.program->sinks[i].name}}), rows);
    }
    out_.family("weir_transactions_total", "counter",
                "Kafka transactions of an exactly-once run (one covers every sink), by outcome.");
    out_.sample("weir_transactions_total", labels({{"outcome", "committed"}}), s_.figures.transactionsCommitted);
    out_.sample("weir_transactions_total", labels({{"outcome", "aborted"}}), s_.figures.transactionsAborted);
    out_.family("weir_end_to_end_latency_seconds", "histogram",
                "Streaming runs: from a record's Kafka timestamp to its pipeline's output being handed to the sink.");
    for (uint32_t i = 0; i < s_.program->nsinks && i < s_.latency.size(); ++i)
      if (s_.latency[i].count())
        out_.histogram("weir_end_to_end_latency_seconds", labels({{"pipeline", s_.program->sinks[i].name}}),
                       s_.latency[i]);
  }

  void stateFamilies() {
    struct Gauge {
      const char *name, *type, *help;
      uint64_t LiveState::*field;
    };
    static const Gauge gauges[] = {
        {"weir_state_keys", "gauge", "Keys a state holds in memory.", &LiveState::keys},
        {"weir_state_resident_bytes", "gauge", "Memory a state's resident keys use.", &LiveState::residentBytes},
        {"weir_state_spilled_keys", "gauge", "--state-memory: keys of a state that live only on disk now.",
         &LiveState::spilledKeys},
        {"weir_state_spilled_bytes_total", "counter", "--state-memory: bytes of state written to disk by evictions.",
         &LiveState::spilledBytes},
        {"weir_state_timers_pending", "gauge", "Windowed and ttl states: event-time timers not yet fired.",
         &LiveState::timersPending},
    };
    for (const Gauge &g : gauges) {
      out_.family(g.name, g.type, g.help);
      for (const LiveState &st : s_.figures.states)
        out_.sample(g.name, labels({{"state", st.name}}), st.*g.field);
    }
  }

  void checkpointFamilies() {
    out_.family("weir_checkpoints_total", "counter", "Checkpoints written (--checkpoint).");
    out_.sample("weir_checkpoints_total", labels(), s_.figures.checkpoints);
    out_.family("weir_checkpoint_duration_seconds", "histogram", "How long a checkpoint took to become durable.");
    out_.histogram("weir_checkpoint_duration_seconds", labels(), s_.checkpointSeconds);
    out_.family("weir_checkpoint_size_bytes", "histogram", "Bytes a checkpoint wrote to the store.");
    out_.histogram("weir_checkpoint_size_bytes", labels(), s_.checkpointBytes);
    if (s_.figures.lastCheckpointUnixMs) {
      out_.family("weir_checkpoint_last_timestamp_seconds", "gauge", "When the latest checkpoint became durable.");
      out_.sample("weir_checkpoint_last_timestamp_seconds", labels(),
                  static_cast<double>(s_.figures.lastCheckpointUnixMs) / 1e3);
    }
  }

  void compileFamilies() {
    if (s_.compilePhasesMs.empty())
      return; // a built binary was compiled ahead of time
    out_.family("weir_compile_phase_seconds", "gauge", "weir run: how long each compilation phase took.");
    for (const auto &[phase, ms] : s_.compilePhasesMs)
      out_.sample("weir_compile_phase_seconds", labels({{"phase", phase}}), ms / 1e3);
  }

  const Telemetry::Sample &s_;
  std::string program_;
  PrometheusText out_;
};

} // namespace

std::string metricsText(const Telemetry::Sample &sample) { return Exporter(sample).run(); }

} // namespace weir::rt

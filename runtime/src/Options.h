// The runtime options of a compiled program (what `weir run` passes through
// and what a built binary accepts).
#pragma once

#include "runtime/src/Status.h"
#include "runtime/src/Trigger.h"
#include "weir/runtime.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace weir::rt {

struct Options {
  std::vector<std::pair<std::string, std::string>> sourceUris; // --source NAME=URI
  std::vector<std::pair<std::string, std::string>> sinkUris;   // --sink NAME=URI
  unsigned threads = 1;
  bool quiet = false;
  // --report text|json and --report-file PATH (docs/operations.md): the
  // end-of-run report as text (default) or JSON lines, with JSON a progress
  // line per streaming batch; to stderr, or appended to the file.
  bool reportJson = false;
  std::string reportFile;
  bool trace = false; // WEIR_RUNTIME_TRACE=1: stage timings on stderr
  // WEIR_TEST_KILL_AFTER_CHECKPOINT=N: a fault-injection point for crash
  // tests; the process SIGKILLs itself right after its Nth checkpoint is
  // durable, a moment a test cannot hit reliably with kill -9 from outside.
  uint64_t killAfterCheckpoint = 0;
  // WEIR_TEST_SIGNAL_AFTER_CHECKPOINT=N: the process sends itself SIGTERM
  // right after its Nth checkpoint (the clean-stop test).
  uint64_t signalAfterCheckpoint = 0;
  // Durable state (docs/architecture.md, "Durable state").
  std::string checkpointDir;          // --checkpoint DIR; empty: not durable
  double checkpointSeconds = 1.0;     // --checkpoint-interval: seconds of processing ...
  uint64_t checkpointRecords = 0;     // ... or records (0: by time only)
  uint64_t stateMemory = 0;           // --state-memory BYTES; 0: no cap
  // Triggers and Kafka (docs/language.md, "Triggers" and "Kafka").
  std::string trigger;                // --trigger as given ("" = the program's own)
  std::string kafkaBrokers;           // --kafka-brokers, else WEIR_KAFKA_BROKERS
  std::vector<std::pair<std::string, std::string>> kafkaConfig; // --kafka-config key=value
  std::string groupId;                // --group-id ("" = derived)
  enum class Guarantee { Default, ExactlyOnce, AtLeastOnce } guarantee = Guarantee::Default;
  int64_t commitIntervalMs = 100;     // --commit-interval (exactly-once transactions)
  // --metrics [HOST:]PORT (docs/operations.md, "Metrics and the status
  // page"): Prometheus text at /metrics, the status page at /. Loopback
  // unless --metrics-allow-remote; port 0 picks a free one.
  std::string metricsHost;            // "" = no endpoint
  int metricsPort = 0;
  int64_t metricsLingerMs = 0;        // --metrics-linger: serve the final figures until scraped once, at most this long
  // Not a command-line option: parallel scans give each thread at least this
  // much input (tests lower it to split small files).
  size_t minBytesPerThread = 1 << 20;
};

enum class ParseResult { Run, Help, Error };

// Writes one report line (text or JSON) where --report-file says: appended
// to the file, else to stderr.
void writeReport(const Options &options, const std::string &text);

// Parses argv. On Help, `message` is the help text (for stdout); on Error it
// is the explanation (for stderr, exit code 2).
ParseResult parseOptions(const WeirProgramDesc &program, int argc, char **argv, Options &options,
                         std::string &message);

// A resolved connector URI: "file:PATH" or a bare path is a file,
// "stdout:" standard output, "discard:" nowhere (sinks only: the rows are
// counted and dropped, so a benchmark measures the query, not formatting).
// "kafka:TOPIC[?...]" is Kafka (kafka/KafkaUri.h parses the rest; path
// holds the whole URI).
struct Location {
  bool toStdout = false;
  bool discard = false;
  bool kafka = false;
  std::string path;
};
Status parseLocation(const std::string &uri, bool isSink, Location &out);

// --metrics: "9464", ":9464", "HOST:9464" or "[IPv6]:9464". A host other than
// a loopback address (127.0.0.0/8, ::1, localhost) needs allowRemote.
Status parseMetricsAddress(const std::string &text, bool allowRemote, std::string &host, int &port);

} // namespace weir::rt

#include "runtime/src/Options.h"

#include "runtime/src/kafka/KafkaUri.h"

#include <CLI/CLI.hpp>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace weir::rt {

namespace {

std::string joinNames(const char *const *names, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i)
    s += (i ? ", " : "") + std::string(names[i]);
  return s.empty() ? "(none)" : s;
}

// Splits NAME=URI and checks NAME against the declared names.
Status parseBinding(const std::string &arg, const char *flag, const std::vector<const char *> &names,
                    const char *what, std::pair<std::string, std::string> &out) {
  size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0)
    return Status::config(std::string(flag) + " expects NAME=URI, got '" + arg + "'");
  out = {arg.substr(0, eq), arg.substr(eq + 1)};
  for (const char *n : names)
    if (out.first == n)
      return {};
  return Status::config("unknown " + std::string(what) + " '" + out.first + "' in " + flag + " " + arg +
                        "; valid " + what + "s: " + joinNames(names.data(), names.size()));
}

// "1s", "250ms", "2m": seconds; "50000records" (or "rows"): a record count.
Status parseCheckpointInterval(const std::string &text, Options &options) {
  size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.'))
    ++digits;
  std::string number = text.substr(0, digits), unit = text.substr(digits);
  char *end = nullptr;
  double value = number.empty() ? -1 : std::strtod(number.c_str(), &end);
  bool ok = !number.empty() && end && *end == '\0' && value > 0;
  if (ok && (unit == "records" || unit == "rows") && number.find('.') == std::string::npos) {
    options.checkpointRecords = static_cast<uint64_t>(value);
    options.checkpointSeconds = 0;
    return {};
  }
  double scale = unit == "ms" ? 0.001 : unit == "s" ? 1 : unit == "m" ? 60 : -1;
  if (ok && scale > 0) {
    options.checkpointSeconds = value * scale;
    return {};
  }
  return Status::config("--checkpoint-interval expects a duration (250ms, 1s, 2m) or a record count "
                        "(100000records), got '" + text + "'");
}

// "64MiB", "512KiB", "2GiB", "1000000" (bytes); K/M/G and KB/MB/GB are 1024-based too.
Status parseByteSize(const std::string &text, uint64_t &out) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  std::string unit = text.substr(digits);
  for (char &c : unit)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  uint64_t scale = 0;
  if (unit.empty() || unit == "B")
    scale = 1;
  else if (unit == "K" || unit == "KB" || unit == "KIB")
    scale = 1ull << 10;
  else if (unit == "M" || unit == "MB" || unit == "MIB")
    scale = 1ull << 20;
  else if (unit == "G" || unit == "GB" || unit == "GIB")
    scale = 1ull << 30;
  if (digits == 0 || digits > 15 || scale == 0)
    return Status::config("--state-memory expects a byte count (1000000, 512KiB, 64MiB, 2GiB), got '" +
                          text + "'");
  out = std::stoull(text.substr(0, digits)) * scale;
  if (out == 0)
    return Status::config("--state-memory must be more than 0 bytes");
  return {};
}

bool isLoopback(const std::string &host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

} // namespace

Status parseMetricsAddress(const std::string &text, bool allowRemote, std::string &host, int &port) {
  std::string portText = text;
  host = "127.0.0.1";
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find("]:");
    if (close == std::string::npos)
      return Status::config("--metrics expects [HOST:]PORT, got '" + text + "'");
    host = text.substr(1, close - 1);
    portText = text.substr(close + 2);
  } else if (size_t colon = text.rfind(':'); colon != std::string::npos) {
    if (colon > 0)
      host = text.substr(0, colon);
    portText = text.substr(colon + 1);
  }
  char *end = nullptr;
  long value = portText.empty() ? -1 : std::strtol(portText.c_str(), &end, 10);
  if (value < 0 || value > 65535 || !end || *end != '\0' || host.empty())
    return Status::config("--metrics expects [HOST:]PORT with a port from 0 to 65535, got '" + text + "'");
  if (!allowRemote && !isLoopback(host))
    return Status::config("--metrics " + text + " would serve metrics beyond this machine; "
                          "add --metrics-allow-remote to mean it (the default is 127.0.0.1)");
  port = static_cast<int>(value);
  return {};
}

Status parseLocation(const std::string &uri, bool isSink, Location &out) {
  out = {};
  if (!isSink && uri.rfind("generator:", 0) == 0) { // runtime/src/generators/
    out.path = uri;
    return {};
  }
  if (uri.rfind("kafka:", 0) == 0) {
    KafkaUri parsed;
    if (Status s = parseKafkaUri(uri, isSink, parsed); !s.ok())
      return s;
    out.kafka = true;
    out.path = uri;
    return {};
  }
  if (uri.rfind("file:", 0) == 0) {
    out.path = uri.substr(5);
  } else if (uri == "stdout:" || uri == "stdout") {
    if (!isSink)
      return Status::config("stdout: can only be a sink");
    out.toStdout = true;
    return {};
  } else if (uri == "discard:" || uri == "discard") {
    if (!isSink)
      return Status::config("discard: can only be a sink");
    out.discard = true;
    return {};
  } else {
    size_t colon = uri.find(':');
    size_t slash = uri.find('/');
    bool looksLikeScheme = colon != std::string::npos && colon > 1 &&
                           (slash == std::string::npos || colon < slash);
    if (looksLikeScheme)
      return Status::config("unsupported URI '" + uri + "': expected file:PATH, a path, kafka:TOPIC" +
                            std::string(isSink ? ", stdout: or discard:" : ""));
    out.path = uri;
  }
  if (out.path.empty())
    return Status::config("empty path in URI '" + uri + "'");
  return {};
}

ParseResult parseOptions(const WeirProgramDesc &program, int argc, char **argv, Options &options,
                         std::string &message) {
  options = Options{};
  const char *trace = std::getenv("WEIR_RUNTIME_TRACE");
  options.trace = trace && *trace && std::strcmp(trace, "0") != 0;
  if (const char *kill = std::getenv("WEIR_TEST_KILL_AFTER_CHECKPOINT"))
    options.killAfterCheckpoint = std::strtoull(kill, nullptr, 10);
  if (const char *signal = std::getenv("WEIR_TEST_SIGNAL_AFTER_CHECKPOINT"))
    options.signalAfterCheckpoint = std::strtoull(signal, nullptr, 10);

  std::vector<const char *> sourceNames, sinkNames;
  for (uint32_t i = 0; i < program.nsources; ++i)
    sourceNames.push_back(program.sources[i].name);
  for (uint32_t i = 0; i < program.nsinks; ++i)
    sinkNames.push_back(program.sinks[i].name);

  std::string name = program.program_name ? program.program_name : "weir program";
  CLI::App app("Runs the compiled Weir program '" + name + "'.", name);
  std::vector<std::string> sources, sinks, trigger;
  std::string checkpoint, checkpointInterval, stateMemory, optLevel;
  bool noFuse = false;
  int threads = 1;
  app.add_option("--source", sources, "Read source NAME from URI (file:PATH or PATH); valid: " +
                                          joinNames(sourceNames.data(), sourceNames.size()))
      ->type_name("NAME=URI")
      ->take_all();
  app.add_option("--sink", sinks, "Write sink NAME to URI (file:PATH, PATH, stdout: or discard:); valid: " +
                                      joinNames(sinkNames.data(), sinkNames.size()))
      ->type_name("NAME=URI")
      ->take_all();
  app.add_option("--threads", threads, "Threads for scans of file sources (default 1)");
  app.add_option("--trigger", trigger, "When to run (overrides the file's trigger): available_now "
                                       "processes what there is and stops; every <duration> runs "
                                       "micro-batches; realtime processes each record as it arrives")
      ->expected(1, 2);
  std::vector<std::string> kafkaConfig;
  std::string guarantee, commitInterval;
  app.add_option("--kafka-brokers", options.kafkaBrokers,
                 "Kafka bootstrap servers HOST:PORT[,...] (default: $WEIR_KAFKA_BROKERS)");
  app.add_option("--kafka-config", kafkaConfig,
                 "A librdkafka setting for every Kafka client, e.g. security.protocol=SASL_SSL "
                 "(repeatable; secrets are never printed)")
      ->type_name("KEY=VALUE")
      ->take_all();
  app.add_option("--group-id", options.groupId,
                 "Kafka consumer group (default: weir.<program>); also names the transactions");
  app.add_option("--guarantee", guarantee,
                 "exactly_once (default when a Kafka source feeds a Kafka sink) or at_least_once");
  app.add_option("--commit-interval", commitInterval,
                 "How often exactly-once output is committed and becomes visible (default 100ms)")
      ->type_name("DURATION");
  app.add_option("--checkpoint", checkpoint,
                 "Make the run durable: state, input positions and committed output go to this "
                 "directory (RocksDB); a rerun with the same command resumes from there")
      ->type_name("DIR");
  app.add_option("--checkpoint-interval", checkpointInterval,
                 "How often to checkpoint: a duration of processing (default 1s) or a record count "
                 "(e.g. 100000records)")
      ->type_name("INTERVAL");
  app.add_option("--state-memory", stateMemory,
                 "Cap the memory of keyed aggregate state; colder keys move to disk (RocksDB) and "
                 "come back when their key is seen again")
      ->type_name("BYTES");
  std::string metrics, metricsLinger;
  bool metricsAllowRemote = false;
  app.add_option("--metrics", metrics,
                 "Serve Prometheus metrics at /metrics and a live status page at / on [HOST:]PORT "
                 "(default host 127.0.0.1; port 0 picks a free one)")
      ->type_name("[HOST:]PORT");
  app.add_flag("--metrics-allow-remote", metricsAllowRemote,
               "Let --metrics listen on an address other than loopback");
  app.add_option("--metrics-linger", metricsLinger,
                 "After the run, keep serving its final figures until they are scraped once, at most "
                 "this long (e.g. 30s)")
      ->type_name("DURATION");
  app.add_flag("--quiet", options.quiet, "No end-of-run report on stderr");
  std::string report;
  app.add_option("--report", report,
                 "The end-of-run report as text (default) or json: one JSON object per line, and with "
                 "a streaming trigger one progress object per batch (docs/operations.md)")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--report-file", options.reportFile,
                 "Append the report to this file instead of writing it to stderr")
      ->type_name("PATH");
  // Compile-time options, answered with an explanation.
  app.add_option("-O", optLevel, "(fixed at build time)")->group("");
  app.add_flag("--no-fuse", noFuse, "(fixed at build time)")->group("");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &) {
    message = app.help();
    return ParseResult::Help;
  } catch (const CLI::ParseError &e) {
    message = std::string(e.what()) + "\nRun with --help for the options.";
    return ParseResult::Error;
  }

  options.reportJson = report == "json";
  if (!optLevel.empty() || noFuse) {
    message = std::string(noFuse ? "--no-fuse" : "-O" + optLevel) +
              " is fixed at build time; rebuild with weir build " +
              (noFuse ? "--no-fuse" : "-O" + optLevel) + " ...";
    return ParseResult::Error;
  }
  if (threads < 1 || threads > 1024) {
    message = "--threads must be between 1 and 1024, got " + std::to_string(threads);
    return ParseResult::Error;
  }
  options.threads = static_cast<unsigned>(threads);
  if (!trigger.empty()) {
    // The last --trigger wins: a word that names a trigger starts a new one
    // ("every" takes the next word as its interval).
    std::string text;
    for (const std::string &word : trigger)
      text = text.empty() || text.rfind("every", 0) != 0 || text.find(' ') != std::string::npos ||
                     word == "available_now" || word == "realtime" || word.rfind("every", 0) == 0
                 ? word
                 : text + " " + word;
    Trigger parsed;
    if (Status s = parseTrigger(text, parsed); !s.ok()) {
      message = "--trigger: " + s.message();
      return ParseResult::Error;
    }
    options.trigger = text;
  }
  if (options.kafkaBrokers.empty())
    if (const char *env = std::getenv("WEIR_KAFKA_BROKERS"))
      options.kafkaBrokers = env;
  for (const std::string &kv : kafkaConfig) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      message = "--kafka-config expects KEY=VALUE, got '" + kv.substr(0, eq) + "'"; // no value: it may be a secret
      return ParseResult::Error;
    }
    options.kafkaConfig.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (guarantee == "exactly_once")
    options.guarantee = Options::Guarantee::ExactlyOnce;
  else if (guarantee == "at_least_once")
    options.guarantee = Options::Guarantee::AtLeastOnce;
  else if (!guarantee.empty()) {
    message = "--guarantee expects exactly_once or at_least_once, got '" + guarantee + "'";
    return ParseResult::Error;
  }
  if (!commitInterval.empty() && !parseDurationMs(commitInterval, options.commitIntervalMs)) {
    message = "--commit-interval expects a duration (100ms, 1s), got '" + commitInterval + "'";
    return ParseResult::Error;
  }
  if (!metrics.empty())
    if (Status s = parseMetricsAddress(metrics, metricsAllowRemote, options.metricsHost, options.metricsPort);
        !s.ok()) {
      message = s.message();
      return ParseResult::Error;
    }
  if (!metricsLinger.empty() && (metrics.empty() || !parseDurationMs(metricsLinger, options.metricsLingerMs))) {
    message = metrics.empty() ? "--metrics-linger needs --metrics"
                              : "--metrics-linger expects a duration (500ms, 30s, 2m), got '" + metricsLinger + "'";
    return ParseResult::Error;
  }
  options.checkpointDir = checkpoint;
  if (!checkpointInterval.empty()) {
    if (checkpoint.empty()) {
      message = "--checkpoint-interval needs --checkpoint DIR";
      return ParseResult::Error;
    }
    if (Status s = parseCheckpointInterval(checkpointInterval, options); !s.ok()) {
      message = s.message();
      return ParseResult::Error;
    }
  }
  if (!stateMemory.empty())
    if (Status s = parseByteSize(stateMemory, options.stateMemory); !s.ok()) {
      message = s.message();
      return ParseResult::Error;
    }
  if (options.threads > 1 && (!checkpoint.empty() || options.stateMemory > 0)) {
    message = std::string(checkpoint.empty() ? "--state-memory" : "--checkpoint") +
              " runs scans on one thread: drop --threads " + std::to_string(options.threads);
    return ParseResult::Error;
  }
  for (const std::string &s : sources) {
    std::pair<std::string, std::string> b;
    Status st = parseBinding(s, "--source", sourceNames, "source", b);
    Location loc;
    if (st.ok())
      st = parseLocation(b.second, false, loc).withContext("--source " + s);
    if (!st.ok()) {
      message = st.message();
      return ParseResult::Error;
    }
    options.sourceUris.push_back(b);
  }
  for (const std::string &s : sinks) {
    std::pair<std::string, std::string> b;
    Status st = parseBinding(s, "--sink", sinkNames, "sink", b);
    Location loc;
    if (st.ok())
      st = parseLocation(b.second, true, loc).withContext("--sink " + s);
    if (!st.ok()) {
      message = st.message();
      return ParseResult::Error;
    }
    options.sinkUris.push_back(b);
  }
  return ParseResult::Run;
}

void writeReport(const Options &options, const std::string &text) {
  if (options.reportFile.empty()) {
    std::fputs(text.c_str(), stderr);
    return;
  }
  if (std::FILE *f = std::fopen(options.reportFile.c_str(), "a")) {
    std::fputs(text.c_str(), f);
    std::fclose(f);
  } else {
    std::fprintf(stderr, "error: --report-file %s: cannot append to it\n", options.reportFile.c_str());
    std::fputs(text.c_str(), stderr);
  }
}

} // namespace weir::rt

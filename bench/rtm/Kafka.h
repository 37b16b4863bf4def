// What the latency benchmark's tools (rtm-load, rtm-relay, rtm-measure)
// share: the clock, the librdkafka client settings, and client set-up.
//
// Two kinds of settings:
//  - Weir's (weirConsumerSettings/weirProducerSettings): the relay, the floor,
//    uses exactly the settings Weir's runtime starts from, read from
//    runtime/src/kafka/KafkaDefaults.h when the tree has it, so a Weir
//    pipeline is compared against a bare client configured the same way.
//  - the harness's (loadSettings, readerSettings): the load generator and the
//    latency reader, the same for every row of the table.
// Anything else is passed on the command line (-X key=value) and shows in
// the tools' JSON summaries.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rtm {

using Settings = std::vector<std::pair<std::string, std::string>>;

// Wall-clock time in microseconds since the epoch. Send and receive times are
// taken on one machine, so CLOCK_REALTIME is comparable across processes.
int64_t nowMicros();

// The settings Weir's Kafka consumers and producers start from.
Settings weirConsumerSettings();
Settings weirProducerSettings();
// Whether those came from Weir's own list (KafkaDefaults.h) or the copy here.
bool weirSettingsFromRuntime();

// The load generator's producer: linger.ms=1 (one produce request per record
// at 10,000 records/s costs the single broker a core on this 2-core machine;
// batching 1 ms halves that), acks=1 (with one broker, acks=all waits for the
// same single replica), no idempotence; no Nagle delay.
Settings loadSettings();
// The latency reader: answer a fetch as soon as one byte is there, wait at
// most 1 ms, no end-of-partition events; no Nagle delay.
Settings readerSettings();

// Parses "key=value" (-X arguments) into settings; exits on a malformed one.
Settings parseOverrides(const std::vector<std::string> &args, const char *tool);

struct KafkaDeleter {
  void operator()(rd_kafka_t *rk) const;
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

// A client with `base` then `overrides` applied (later wins), bootstrap
// `brokers`. Exits with a message naming `tool` when a setting is rejected.
// `conf` may carry callbacks set beforehand (delivery reports); it is consumed.
KafkaHandle createClient(rd_kafka_type_t type, const std::string &brokers, const Settings &base,
                         const Settings &overrides, const char *tool, rd_kafka_conf_t *conf = nullptr);

// How many partitions `topic` has (metadata request); exits when unknown.
int32_t partitionCount(rd_kafka_t *rk, const std::string &topic, const char *tool);

// SIGINT/SIGTERM set a flag instead of killing the tool, so it can flush
// and print its summary.
void installStopHandler();
bool stopRequested();

// CPU seconds (user + system) this process used so far, all threads.
double cpuSeconds();

[[noreturn]] void die(const char *tool, const std::string &message);

// base followed by overrides: the settings a client was given, in order.
Settings withOverrides(Settings base, const Settings &overrides);

// Settings as a JSON object, for the tools' summaries.
std::string settingsJson(const Settings &settings);

} // namespace rtm

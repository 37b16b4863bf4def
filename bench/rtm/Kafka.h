// What the latency benchmark's tools (rtm-load, rtm-relay, rtm-measure)
// share: the clock, the librdkafka client settings, and client set-up.
//
// The client settings are the benchmark's one statement of "low-latency
// Kafka clients": the relay (the floor) uses exactly these, so a Weir
// pipeline measured next to it is compared against a bare client configured
// the same way as Weir's runtime. Keep them in step with
// runtime/src/Kafka*.cpp; any difference has to be passed on the command
// line (-X key=value) and then shows in the report.
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

// Consumer settings: answer a fetch as soon as one byte is there and never
// wait long for more (fetch.wait.max.ms), no end-of-partition events.
Settings consumerSettings();
// Producer settings: send at once (linger.ms=0), leader acknowledgement only
// (acks=1: with one broker acks=all waits for the same single replica).
Settings producerSettings();
// Both: no Nagle delay on the sockets.
Settings commonSettings();

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

[[noreturn]] void die(const char *tool, const std::string &message);

// Settings as a JSON object, for the tools' summaries.
std::string settingsJson(const Settings &settings);

} // namespace rtm

// The librdkafka settings Weir's Kafka clients start from (the user's
// --kafka-config overrides any of them). One list, also read by the latency
// benchmark's bare relay (bench/rtm/), so the floor it measures uses the
// same client settings as Weir.
#pragma once

namespace weir::rt::kafka_defaults {

struct Setting {
  const char *key, *value;
};

// Consumers: fetch as soon as one byte is there (latency), never commit on
// their own (positions are committed with checkpoints or transactions), see
// only committed transactional data, say when a partition's end is reached
// (available_now stops there).
inline constexpr Setting kConsumer[] = {
    {"fetch.wait.max.ms", "1"},          {"fetch.min.bytes", "1"},
    {"enable.auto.commit", "false"},     {"enable.auto.offset.store", "false"},
    {"isolation.level", "read_committed"}, {"enable.partition.eof", "true"},
};

// Producers: linger 1 ms (0 sends one request per record: on this 2-core
// machine the broker then used ~96% of a core at 10k records/s and the
// bare relay's p99 was 2.5x worse, bench/rtm), idempotent so retries do not
// duplicate, acks from all in-sync replicas.
inline constexpr Setting kProducer[] = {
    {"linger.ms", "1"},
    {"enable.idempotence", "true"},
    {"acks", "all"},
};

} // namespace weir::rt::kafka_defaults

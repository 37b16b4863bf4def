// What every Kafka client of a run shares: the brokers, the user's
// librdkafka settings (--kafka-config), and how secrets are kept out of
// messages, reports and logs.
#pragma once

#include "runtime/src/Options.h"
#include "runtime/src/Status.h"

#include <librdkafka/rdkafka.h>

#include <string>
#include <vector>

namespace weir::rt {

enum class KafkaRole { Consumer, Producer };

// A new librdkafka configuration: Weir's defaults for the role
// (kafka/KafkaDefaults.h), bootstrap.servers, then every --kafka-config
// pair. Fails (naming the key, never a secret's value) on an invalid setting
// or when no brokers are given.
Status makeKafkaConf(const Options &options, KafkaRole role, rd_kafka_conf_t *&out);

// A setting whose value is a secret (sasl.password, ssl.key.password, ...).
bool isSecretSetting(const std::string &key);

// librdkafka's own messages may quote configuration; any secret value given
// with --kafka-config is blanked out of `text`.
std::string redactSecrets(const Options &options, std::string text);

// Asks the brokers for `topic` (10 s at most): unreachable brokers, an
// unknown topic (Weir never creates one) and a missing authorization fail
// here, before anything is written. Fills `partitions` (sorted) if given.
Status describeTopic(rd_kafka_t *rk, const std::string &topic, const Options &options,
                     std::vector<int32_t> *partitions);

// rd_kafka_err2str for messages.
std::string kafkaError(rd_kafka_resp_err_t err);

} // namespace weir::rt

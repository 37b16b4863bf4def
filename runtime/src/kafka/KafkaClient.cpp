#include "runtime/src/kafka/KafkaClient.h"

#include "runtime/src/kafka/KafkaDefaults.h"

#include <algorithm>

namespace weir::rt {

bool isSecretSetting(const std::string &key) {
  for (const char *word : {"password", "secret", "token", "oauthbearer.config", "key.pem",
                           "keystore", "sasl.jaas"})
    if (key.find(word) != std::string::npos)
      return true;
  return false;
}

std::string redactSecrets(const Options &options, std::string text) {
  for (const auto &[key, value] : options.kafkaConfig) {
    if (!isSecretSetting(key) || value.empty())
      continue;
    for (size_t at; (at = text.find(value)) != std::string::npos;)
      text.replace(at, value.size(), "(secret)");
  }
  return text;
}

std::string kafkaError(rd_kafka_resp_err_t err) { return rd_kafka_err2str(err); }

Status describeTopic(rd_kafka_t *rk, const std::string &name, const Options &options,
                     std::vector<int32_t> *partitions) {
  constexpr int kTimeoutMs = 10000;
  rd_kafka_topic_t *topic = rd_kafka_topic_new(rk, name.c_str(), nullptr);
  const rd_kafka_metadata_t *md = nullptr;
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 0, topic, &md, kTimeoutMs);
  rd_kafka_topic_destroy(topic);
  std::string where = "Kafka topic '" + name + "' (brokers " + options.kafkaBrokers + ")";
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
    return Status::io("cannot reach " + where + " within " + std::to_string(kTimeoutMs / 1000) + " s: " +
                      kafkaError(e));
  Status status;
  if (md->topic_cnt != 1 || md->topics[0].err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    status = Status::config("unknown " + where + "; create it first (this runtime never creates topics)");
  else if (md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR)
    status = Status::config(where + ": " + kafkaError(md->topics[0].err));
  else if (partitions)
    for (int i = 0; i < md->topics[0].partition_cnt; ++i)
      partitions->push_back(md->topics[0].partitions[i].id);
  rd_kafka_metadata_destroy(md);
  if (partitions)
    std::sort(partitions->begin(), partitions->end());
  return status;
}

Status makeKafkaConf(const Options &options, KafkaRole role, rd_kafka_conf_t *&out) {
  out = nullptr;
  if (options.kafkaBrokers.empty())
    return Status::config("no Kafka brokers: pass --kafka-brokers HOST:PORT or set WEIR_KAFKA_BROKERS");
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string &key, const std::string &value, bool user) -> Status {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) == RD_KAFKA_CONF_OK)
      return {};
    std::string why = isSecretSetting(key) ? "invalid value" : redactSecrets(options, err);
    return Status::config(std::string(user ? "--kafka-config " : "Kafka setting ") + key + ": " + why);
  };
  Status s;
  if (role == KafkaRole::Consumer)
    for (const auto &d : kafka_defaults::kConsumer)
      if (s.ok())
        s = set(d.key, d.value, false);
  if (role == KafkaRole::Producer)
    for (const auto &d : kafka_defaults::kProducer)
      if (s.ok())
        s = set(d.key, d.value, false);
  if (s.ok())
    s = set("bootstrap.servers", options.kafkaBrokers, false);
  // The user's pairs last: they override the defaults.
  for (const auto &[key, value] : options.kafkaConfig)
    if (s.ok())
      s = set(key, value, true);
  if (!s.ok()) {
    rd_kafka_conf_destroy(conf);
    return s;
  }
  out = conf;
  return {};
}

} // namespace weir::rt

#include "runtime/src/kafka/KafkaSink.h"

#include "runtime/src/ValueText.h"
#include "runtime/src/kafka/KafkaClient.h"

#include <cstring>

namespace weir::rt {

namespace {
constexpr int kTxnTimeoutMs = 30000;
} // namespace

// ------------------------------------------------------------ the producer

KafkaProducer::~KafkaProducer() {
  if (rk_) {
    if (!transactional())
      rd_kafka_flush(rk_, 5000);
    rd_kafka_destroy(rk_); // an open transaction is aborted by the broker (or the next run)
  }
}

void KafkaProducer::onDelivery(rd_kafka_t *, const rd_kafka_message_t *m, void *opaque) {
  if (!m->err)
    return;
  auto *self = static_cast<KafkaProducer *>(opaque);
  std::lock_guard<std::mutex> lock(self->deliveryMutex_);
  if (self->deliveryError_.empty())
    self->deliveryError_ = "Kafka topic '" + std::string(rd_kafka_topic_name(m->rkt)) +
                           "': a record was not delivered: " + kafkaError(m->err);
}

Status KafkaProducer::deliveryStatus() {
  std::lock_guard<std::mutex> lock(deliveryMutex_);
  return deliveryError_.empty() ? Status() : Status::io(deliveryError_);
}

Status KafkaProducer::open(const std::string &transactionalId) {
  rd_kafka_conf_t *conf = nullptr;
  if (Status s = makeKafkaConf(options_, KafkaRole::Producer, conf); !s.ok())
    return s;
  char err[512];
  transactionalId_ = transactionalId;
  if (!transactionalId_.empty() &&
      rd_kafka_conf_set(conf, "transactional.id", transactionalId_.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return Status::config(std::string("transactional.id: ") + err);
  }
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_dr_msg_cb(conf, &KafkaProducer::onDelivery);
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk_) {
    rd_kafka_conf_destroy(conf);
    return Status::config("Kafka producer: " + redactSecrets(options_, err));
  }
  if (!transactionalId_.empty()) {
    // Fences a predecessor with the same id and aborts what it left open.
    if (rd_kafka_error_t *error = rd_kafka_init_transactions(rk_, kTxnTimeoutMs))
      return txnError("initializing transactions", error);
    return beginTransaction();
  }
  return {};
}

Status KafkaProducer::checkTopic(const std::string &name) {
  return describeTopic(rk_, name, options_, nullptr);
}

Status KafkaProducer::txnError(const char *what, rd_kafka_error_t *error) {
  std::string text = std::string("Kafka transaction '") + transactionalId_ + "': " + what + ": " +
                     rd_kafka_error_string(error);
  rd_kafka_resp_err_t code = rd_kafka_error_code(error);
  if (code == RD_KAFKA_RESP_ERR__FENCED || code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
      code == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH)
    text += " (another process with the same transactional.id took over: two runs of one pipeline "
            "with the same --group-id?)";
  rd_kafka_error_destroy(error);
  return Status::io(text);
}

Status KafkaProducer::flush() {
  for (int waited = 0; rd_kafka_outq_len(rk_) > 0; ++waited) {
    if (rd_kafka_flush(rk_, 1000) == RD_KAFKA_RESP_ERR_NO_ERROR)
      break;
    if (waited >= 60)
      return Status::io("Kafka: records not acknowledged after 60 s (brokers " + options_.kafkaBrokers +
                        " unreachable?)");
  }
  return deliveryStatus();
}

Status KafkaProducer::beginTransaction() {
  if (rd_kafka_error_t *error = rd_kafka_begin_transaction(rk_))
    return txnError("beginning a transaction", error);
  return {};
}

Status KafkaProducer::commitTransaction(const std::map<std::string, std::map<int32_t, int64_t>> &offsets,
                                        rd_kafka_consumer_group_metadata_t *group) {
  if (group) {
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(4);
    for (const auto &[topic, parts] : offsets)
      for (const auto &[p, offset] : parts)
        rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = offset;
    rd_kafka_error_t *error =
        list->cnt > 0 ? rd_kafka_send_offsets_to_transaction(rk_, list, group, kTxnTimeoutMs) : nullptr;
    rd_kafka_topic_partition_list_destroy(list);
    if (error) {
      ++failed_;
      return txnError("adding the input positions to the transaction", error);
    }
  }
  if (rd_kafka_error_t *error = rd_kafka_commit_transaction(rk_, kTxnTimeoutMs)) {
    ++failed_;
    return txnError("committing", error);
  }
  ++committed_;
  if (Status s = deliveryStatus(); !s.ok())
    return s;
  return beginTransaction();
}

// ------------------------------------------------------------ one sink

KafkaSink::~KafkaSink() {
  if (topic_)
    rd_kafka_topic_destroy(topic_);
}

Status KafkaSink::open(const std::string &uri, const WeirSinkDesc &desc) {
  if (Status s = parseKafkaUri(uri, true, uri_); !s.ok())
    return s;
  auto column = [&](const std::string &name, int &index, const char *what) -> Status {
    if (name.empty())
      return {};
    for (uint32_t i = 0; i < desc.nfields; ++i)
      if (name == desc.fields[i].name) {
        index = static_cast<int>(i);
        return {};
      }
    return Status::config("sink '" + std::string(desc.name) + "': no column '" + name + "' for the record " + what);
  };
  if (Status s = column(uri_.keyColumn, keyColumn_, "key"); !s.ok())
    return s;
  if (Status s = column(uri_.timestampColumn, timestampColumn_, "timestamp"); !s.ok())
    return s;
  if (keyColumn_ >= 0)
    keyType_ = desc.fields[keyColumn_].type;
  if (timestampColumn_ >= 0 && desc.fields[timestampColumn_].type != WEIR_TIMESTAMP)
    return Status::config("sink '" + std::string(desc.name) + "': the record timestamp's column '" +
                          uri_.timestampColumn + "' is not a timestamp");
  if (Status s = producer_.checkTopic(uri_.topic); !s.ok())
    return s;
  topic_ = rd_kafka_topic_new(producer_.handle(), uri_.topic.c_str(), nullptr);
  return {};
}

Status KafkaSink::writeRecord(const WeirValue *row, const char *value, size_t n) {
  char keyText[kMaxValueTextChars + 1];
  const char *key = nullptr;
  size_t keyLen = 0;
  if (keyColumn_ >= 0 && !row[keyColumn_].is_null) {
    const WeirValue &k = row[keyColumn_];
    if (keyType_ == WEIR_STRING) {
      key = k.v.str;
      keyLen = k.len;
    } else {
      keyLen = formatValueText(k, keyType_, keyText);
      key = keyText;
    }
  }
  int64_t ts = timestampColumn_ >= 0 && !row[timestampColumn_].is_null ? row[timestampColumn_].v.i64 : 0;
  rd_kafka_t *rk = producer_.handle();
  for (;;) {
    rd_kafka_resp_err_t e = rd_kafka_producev(
        rk, RD_KAFKA_V_RKT(topic_), RD_KAFKA_V_VALUE(const_cast<char *>(value), n),
        RD_KAFKA_V_KEY(const_cast<char *>(key), keyLen), RD_KAFKA_V_TIMESTAMP(ts),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
      break;
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
      return Status::io("Kafka topic '" + uri_.topic + "': cannot produce: " + kafkaError(e));
    rd_kafka_poll(rk, 10); // back pressure: wait for deliveries
  }
  if ((++produced_ & 1023) == 0) {
    rd_kafka_poll(rk, 0);
    return producer_.deliveryStatus();
  }
  return {};
}

} // namespace weir::rt

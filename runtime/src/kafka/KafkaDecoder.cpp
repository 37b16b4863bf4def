// The record decoder of a Kafka source (KafkaSource.h).
#include "runtime/src/kafka/KafkaSource.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <map>

namespace weir::rt {

namespace {

enum class Meta : uint8_t { None, Key, Partition, Offset, Timestamp };

Meta metaOf(const char *name) {
  if (std::strcmp(name, "_key") == 0)
    return Meta::Key;
  if (std::strcmp(name, "_partition") == 0)
    return Meta::Partition;
  if (std::strcmp(name, "_offset") == 0)
    return Meta::Offset;
  if (std::strcmp(name, "_timestamp") == 0)
    return Meta::Timestamp;
  return Meta::None;
}

class KafkaDecoder final : public RecordDecoder {
public:
  KafkaDecoder(KafkaSource &source, KafkaSource::Payload payload, const SchemaView &schema)
      : source_(source), payload_(payload) {
    // The payload decoders see the schema without the metadata fields.
    for (uint32_t k = 0; k < schema.nused; ++k) {
      uint32_t f = schema.used[k];
      Meta m = metaOf(schema.fields[f].name);
      if (m == Meta::None)
        payloadUsed_.push_back(f);
      else
        meta_.push_back({f, m});
    }
    inner_ = {schema.nfields, schema.fields, static_cast<uint32_t>(payloadUsed_.size()), payloadUsed_.data()};
    for (uint32_t f = 0; f < schema.nfields; ++f)
      if (metaOf(schema.fields[f].name) == Meta::None) {
        csv_.fieldColumn.push_back(static_cast<int32_t>(csv_.ncolumns++));
        if (rawField_ < 0)
          rawField_ = static_cast<int32_t>(f);
      } else {
        csv_.fieldColumn.push_back(-1);
      }
    bytes_.reserve(4096);
  }

  const char *consumedUpTo() const override { return nullptr; }

  DecodeOutcome next(WeirValue *row) override {
    const auto &batch = source_.batch();
    // A pause first: after the batch's last record it ends the call, and the
    // next call finds the batch's end (and does not read it again).
    if (givenThisCall_ >= source_.recordsPerCall()) {
      givenThisCall_ = 0; // the next call goes on from here
      return DecodeOutcome::End;
    }
    if (index_ >= batch.size()) {
      index_ = 0; // the next batch starts from its beginning
      givenThisCall_ = 0;
      return DecodeOutcome::End;
    }
    ++givenThisCall_;
    const rd_kafka_message_t *m = batch[index_++];
    // A copy, padded for simdjson, that outlives the message (the row's
    // strings point into it until the next record).
    size_t n = m->payload ? m->len : 0;
    bytes_.assign(static_cast<const char *>(m->payload ? m->payload : ""), n);
    bytes_.push_back('\n');
    bytes_.append(simdjson::SIMDJSON_PADDING, '\0');
    key_.assign(m->key ? static_cast<const char *>(m->key) : "", m->key ? m->key_len : 0);
    hasKey_ = m->key != nullptr;
    partition_ = m->partition;
    offset_ = m->offset;
    rd_kafka_timestamp_type_t tsType;
    timestamp_ = rd_kafka_message_timestamp(m, &tsType);
    recordText_ = std::string_view(bytes_.data(), n);
    location_ = "kafka:" + source_.topic() + " partition " + std::to_string(partition_) + " offset " +
                std::to_string(offset_);

    DecodeOutcome outcome = decodePayload(row, n);
    if (outcome != DecodeOutcome::Row)
      return outcome;
    fillMetadata(row);
    return DecodeOutcome::Row;
  }

  std::string recordLocation() const override { return location_; }

private:
  DecodeOutcome decodePayload(WeirValue *row, size_t n) {
    if (payload_ == KafkaSource::Payload::Raw) {
      if (rawField_ >= 0) {
        WeirValue &v = row[rawField_];
        v.v.str = bytes_.data();
        v.len = static_cast<uint32_t>(n);
        v.is_null = 0;
      }
      return DecodeOutcome::Row;
    }
    if (n == 0)
      return bad("empty message (a null or empty value)");
    ByteRange range{bytes_.data(), bytes_.data(), bytes_.data() + n + 1, bytes_.data() + bytes_.size(), false};
    if (!decoder_ || !decoder_->reset(range))
      decoder_ = payload_ == KafkaSource::Payload::Json ? makeJsonDecoder(inner_, range, /*linesOnly=*/true)
                                                        : makeCsvDecoder(inner_, csv_, range);
    DecodeOutcome outcome = decoder_->next(row);
    if (outcome == DecodeOutcome::Bad)
      return bad(decoder_->reason());
    if (outcome == DecodeOutcome::End)
      return bad("empty message (only white space)");
    return outcome;
  }

  void fillMetadata(WeirValue *row) {
    for (auto [field, meta] : meta_) {
      WeirValue &v = row[field];
      v.is_null = 0;
      switch (meta) {
      case Meta::Key:
        v.v.str = key_.data();
        v.len = static_cast<uint32_t>(key_.size());
        v.is_null = hasKey_ ? 0 : 1;
        break;
      case Meta::Partition: v.v.i64 = partition_; break;
      case Meta::Offset: v.v.i64 = offset_; break;
      case Meta::Timestamp:
        v.v.i64 = timestamp_;
        v.is_null = timestamp_ < 0 ? 1 : 0;
        break;
      case Meta::None: break;
      }
    }
  }

  KafkaSource &source_;
  KafkaSource::Payload payload_;
  size_t index_ = 0; // into the source's batch
  size_t givenThisCall_ = 0;

  std::vector<uint32_t> payloadUsed_;
  std::vector<std::pair<uint32_t, Meta>> meta_;
  SchemaView inner_;
  CsvLayout csv_;
  int32_t rawField_ = -1;
  std::unique_ptr<RecordDecoder> decoder_;
  std::string bytes_, key_, location_;
  bool hasKey_ = false;
  int32_t partition_ = 0;
  int64_t offset_ = 0, timestamp_ = 0;
};

} // namespace

std::unique_ptr<RecordDecoder> makeKafkaDecoder(KafkaSource &source, KafkaSource::Payload payload,
                                                const SchemaView &schema) {
  return std::make_unique<KafkaDecoder>(source, payload, schema);
}

} // namespace weir::rt

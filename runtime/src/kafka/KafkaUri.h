// Kafka connector URIs, as the frontend writes them from kafka(...) and as
// --source/--sink accept them:
//   source: kafka:TOPIC[?start=earliest|latest]
//   sink:   kafka:TOPIC[?key=COLUMN][&timestamp=COLUMN]
#pragma once

#include "runtime/src/Status.h"

#include <string>

namespace weir::rt {

struct KafkaUri {
  std::string topic;
  bool startLatest = false;    // source: where a run with no saved position begins
  std::string keyColumn;       // sink: the record key's column ("" = no key)
  std::string timestampColumn; // sink: the record timestamp's column ("" = now)
};

Status parseKafkaUri(const std::string &uri, bool isSink, KafkaUri &out);

} // namespace weir::rt

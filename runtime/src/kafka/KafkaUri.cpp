#include "runtime/src/kafka/KafkaUri.h"

namespace weir::rt {

Status parseKafkaUri(const std::string &uri, bool isSink, KafkaUri &out) {
  out = {};
  std::string rest = uri.substr(uri.rfind("kafka:", 0) == 0 ? 6 : 0);
  size_t q = rest.find('?');
  out.topic = rest.substr(0, q);
  // Kafka's own rule for topic names.
  if (out.topic.empty() || out.topic.size() > 249 ||
      out.topic.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
          std::string::npos)
    return Status::config("invalid Kafka topic in '" + uri +
                          "': a topic is 1-249 characters of letters, digits, '.', '_' and '-'");
  std::string query = q == std::string::npos ? "" : rest.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string pair = query.substr(0, amp);
    query = amp == std::string::npos ? "" : query.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string key = pair.substr(0, eq), value = eq == std::string::npos ? "" : pair.substr(eq + 1);
    if (!isSink && key == "start" && (value == "earliest" || value == "latest")) {
      out.startLatest = value == "latest";
    } else if (isSink && key == "key" && !value.empty()) {
      out.keyColumn = value;
    } else if (isSink && key == "timestamp" && !value.empty()) {
      out.timestampColumn = value;
    } else {
      return Status::config("unknown Kafka " + std::string(isSink ? "sink" : "source") + " option '" +
                            pair + "' in '" + uri + "'; expected " +
                            (isSink ? "key=COLUMN or timestamp=COLUMN" : "start=earliest or start=latest"));
    }
  }
  return {};
}

} // namespace weir::rt

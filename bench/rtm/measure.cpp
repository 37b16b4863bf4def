// rtm-measure: the latency benchmark's consumer. Reads every partition of
// the output topic from the beginning, takes latency = receive time - the
// record's sent_us (the send time the load generator stamped on the input
// record it derives from), and prints one JSON line on stdout:
//   {"count":..,"p50_ms":..,"p90_ms":..,"p95_ms":..,"p99_ms":..,"max_ms":..,...}
//
// Warm-up: only records whose sent_us lies in [t0 + warmup, t0 + warmup +
// duration) count, t0 being the smallest sent_us seen; earlier ones (client
// connections, a pipeline's start) and later ones are received but not
// measured. The tool stops once the window is over and the topic has been
// quiet for --idle seconds, or after --timeout seconds in any case.
// --duration 0 measures every record and stops once the topic has been quiet
// for --idle seconds after the first one (a saturation run: throughput from
// the first to the last receive time).
//
// Assigned partitions, no consumer group: nothing to join, nothing committed.
#include "bench/rtm/Kafka.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

const char *const kTool = "rtm-measure";

// The integer value of top-level-looking field `name` in a JSON object
// (`"name":123`, spaces allowed around the colon), or nothing. A plain
// search: the benchmark's records have no nested objects or escaped quotes
// before the numeric fields.
std::optional<int64_t> intField(std::string_view json, std::string_view quotedName) {
  size_t at = json.find(quotedName);
  if (at == std::string_view::npos)
    return std::nullopt;
  size_t i = at + quotedName.size();
  while (i < json.size() && json[i] == ' ')
    ++i;
  if (i >= json.size() || json[i] != ':')
    return std::nullopt;
  ++i;
  while (i < json.size() && json[i] == ' ')
    ++i;
  bool negative = i < json.size() && json[i] == '-';
  if (negative)
    ++i;
  if (i >= json.size() || json[i] < '0' || json[i] > '9')
    return std::nullopt;
  int64_t v = 0;
  for (; i < json.size() && json[i] >= '0' && json[i] <= '9'; ++i)
    v = v * 10 + (json[i] - '0');
  return negative ? -v : v;
}

// Nearest-rank percentile of sorted values (microseconds), in milliseconds.
double percentileMs(const std::vector<int64_t> &sorted, double p) {
  if (sorted.empty())
    return 0;
  size_t rank = size_t(std::ceil(p * double(sorted.size())));
  return double(sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1]) / 1000.0;
}

// Which seq values arrived, to count duplicates (at-least-once redelivery)
// and, for 1:1 queries, losses.
class SeqSet {
public:
  bool insert(int64_t seq) {
    if (seq < 0)
      return true;
    if (size_t(seq) >= seen_.size())
      seen_.resize(std::max<size_t>(size_t(seq) + 1, seen_.size() * 2), false);
    bool fresh = !seen_[size_t(seq)];
    seen_[size_t(seq)] = true;
    return fresh;
  }

private:
  std::vector<bool> seen_;
};

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"Measures send -> receive latency of the records of a topic (latency benchmark)", kTool};
  std::string brokers, topic, isolation = "read_uncommitted", field = "sent_us";
  double warmup = 5, duration = 20, idle = 3, timeout = 0;
  std::vector<std::string> overrideArgs;
  app.add_option("--brokers", brokers, "bootstrap servers HOST:PORT")->required();
  app.add_option("--topic", topic, "topic to read from the beginning (all partitions)")->required();
  app.add_option("--isolation", isolation, "read_committed or read_uncommitted")
      ->check(CLI::IsMember({"read_committed", "read_uncommitted"}));
  app.add_option("--warmup", warmup, "seconds of send time excluded at the start")->check(CLI::NonNegativeNumber);
  app.add_option("--duration", duration, "seconds of send time measured after the warm-up; 0 = all, until idle")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--idle", idle, "after the window, stop when nothing arrived for this many seconds");
  app.add_option("--timeout", timeout, "stop after this many seconds whatever happens (default warmup + duration + 60)");
  app.add_option("--field", field, "the JSON field holding the send time (epoch microseconds)");
  app.add_option("-X", overrideArgs, "librdkafka consumer setting key=value (repeatable)");
  CLI11_PARSE(app, argc, argv);
  if (timeout <= 0)
    timeout = warmup + duration + 60;

  rtm::installStopHandler();
  rtm::Settings base = rtm::readerSettings();
  base.emplace_back("isolation.level", isolation);
  base.emplace_back("enable.auto.commit", "false");
  // assign() needs a group id although no group is joined and nothing committed.
  base.emplace_back("group.id", "rtm-measure-" + std::to_string(getpid()));
  rtm::Settings overrides = rtm::parseOverrides(overrideArgs, kTool);
  rtm::KafkaHandle consumer = rtm::createClient(RD_KAFKA_CONSUMER, brokers, base, overrides, kTool);
  int32_t partitions = rtm::partitionCount(consumer.get(), topic, kTool);
  rd_kafka_topic_partition_list_t *assignment = rd_kafka_topic_partition_list_new(partitions);
  for (int32_t p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_resp_err_t err = rd_kafka_assign(consumer.get(), assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  if (err)
    rtm::die(kTool, std::string("assign: ") + rd_kafka_err2str(err));

  const std::string quotedField = "\"" + field + "\"";
  const int64_t startUs = rtm::nowMicros();
  if (duration == 0)
    warmup = 0;
  const int64_t warmupUs = int64_t(warmup * 1e6);
  const int64_t durationUs = duration > 0 ? int64_t(duration * 1e6) : INT64_MAX / 4;
  int64_t t0 = INT64_MAX, lastReceiveUs = startUs, firstReceiveUs = 0;
  std::vector<int64_t> latencies; // microseconds, records inside the window
  latencies.reserve(1 << 20);
  uint64_t received = 0, unparsed = 0, beforeWindow = 0, afterWindow = 0, duplicates = 0, errors = 0;
  SeqSet seqs;
  // The window is defined from the smallest send time seen so far; a
  // record received early with a larger one is re-judged at the end.
  std::vector<int64_t> sentTimes, receiveTimes;
  while (!rtm::stopRequested()) {
    int64_t now = rtm::nowMicros();
    if (now - startUs > int64_t(timeout * 1e6))
      break;
    bool windowOver = duration == 0 || now > t0 + warmupUs + durationUs;
    if (t0 != INT64_MAX && windowOver && now - lastReceiveUs > int64_t(idle * 1e6))
      break;
    rd_kafka_message_t *msg = rd_kafka_consumer_poll(consumer.get(), 100);
    if (!msg)
      continue;
    int64_t receiveUs = rtm::nowMicros();
    if (msg->err) {
      if (errors++ == 0)
        std::fprintf(stderr, "%s: %s\n", kTool, rd_kafka_message_errstr(msg));
      rd_kafka_message_destroy(msg);
      continue;
    }
    if (received++ == 0)
      firstReceiveUs = receiveUs;
    lastReceiveUs = receiveUs;
    std::string_view json(static_cast<const char *>(msg->payload), msg->len);
    std::optional<int64_t> sent = intField(json, quotedField);
    if (std::optional<int64_t> seq = intField(json, "\"seq\""))
      duplicates += !seqs.insert(*seq);
    rd_kafka_message_destroy(msg);
    if (!sent) {
      ++unparsed;
      continue;
    }
    t0 = std::min(t0, *sent);
    sentTimes.push_back(*sent);
    receiveTimes.push_back(receiveUs);
  }
  rd_kafka_consumer_close(consumer.get());

  for (size_t i = 0; i < sentTimes.size(); ++i) {
    int64_t s = sentTimes[i];
    if (s < t0 + warmupUs)
      ++beforeWindow;
    else if (s >= t0 + warmupUs + durationUs)
      ++afterWindow;
    else
      latencies.push_back(receiveTimes[i] - s);
  }
  std::sort(latencies.begin(), latencies.end());
  double mean = 0;
  for (int64_t l : latencies)
    mean += double(l);
  mean = latencies.empty() ? 0 : mean / double(latencies.size()) / 1000.0;
  // Over a window, the rate at which records were sent into it and came out;
  // over everything (--duration 0), the rate from first to last receive.
  double span = duration > 0 ? duration : double(lastReceiveUs - firstReceiveUs) / 1e6;
  std::printf("{\"tool\":\"%s\",\"topic\":\"%s\",\"isolation\":\"%s\",\"count\":%zu,\"rate\":%.1f"
              ",\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p95_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f"
              ",\"min_ms\":%.3f,\"mean_ms\":%.3f,\"received\":%" PRIu64 ",\"before_window\":%" PRIu64
              ",\"after_window\":%" PRIu64 ",\"unparsed\":%" PRIu64 ",\"duplicates\":%" PRIu64
              ",\"errors\":%" PRIu64 ",\"first_receive_us\":%" PRId64 ",\"last_receive_us\":%" PRId64
              ",\"cpu_s\":%.2f,\"settings\":%s}\n",
              kTool, topic.c_str(), isolation.c_str(), latencies.size(),
              span > 0 ? double(latencies.size()) / span : 0.0,
              percentileMs(latencies, 0.50), percentileMs(latencies, 0.90), percentileMs(latencies, 0.95),
              percentileMs(latencies, 0.99), latencies.empty() ? 0.0 : double(latencies.back()) / 1000.0,
              latencies.empty() ? 0.0 : double(latencies.front()) / 1000.0, mean, received, beforeWindow,
              afterWindow, unparsed, duplicates, errors, firstReceiveUs, lastReceiveUs, rtm::cpuSeconds(),
              rtm::settingsJson(rtm::withOverrides(base, overrides)).c_str());
  return latencies.empty() ? 1 : 0;
}

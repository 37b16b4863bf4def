// rtm-load: the latency benchmark's load generator. Produces the records of
// Record.h to a topic at a fixed rate (or as fast as it can), each stamped
// with its send time, and prints a one-line JSON summary on stdout.
//
//   rtm-load --brokers B --topic T --rate 10000 --duration 25
//   rtm-load --brokers B --topic T --rate 0 --count 2000000     (fill a topic)
//   rtm-load --write-table lookup.csv                           (query C's table)
//
// Pacing: record i is due at start + i/rate; the generator sleeps until the
// next record is due and, when it fell behind (the sleep overshot, or the
// machine is busy), sends the overdue records at once. So the long-run rate
// is exact and the send time in each record is the real one.
#include "bench/rtm/Kafka.h"
#include "bench/rtm/Record.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace {

const char *const kTool = "rtm-load";

int64_t monotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void sleepUntil(int64_t monotonicNs) {
  timespec ts{time_t(monotonicNs / 1000000000), long(monotonicNs % 1000000000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR && !rtm::stopRequested()) {
  }
}

struct Delivery {
  uint64_t delivered = 0;
  uint64_t failed = 0;
  std::string firstError;
};

void onDelivery(rd_kafka_t *, const rd_kafka_message_t *msg, void *opaque) {
  auto *d = static_cast<Delivery *>(opaque);
  if (msg->err) {
    if (d->failed++ == 0)
      d->firstError = rd_kafka_err2str(msg->err);
  } else {
    ++d->delivered;
  }
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"Produces timestamped ~1.2 KB JSON records at a fixed rate (latency benchmark)", kTool};
  std::string brokers, topic, tablePath;
  double rate = 10000, duration = 0;
  uint64_t count = 0, seed = 1;
  size_t recordBytes = 1200;
  std::vector<std::string> overrideArgs;
  app.add_option("--brokers", brokers, "bootstrap servers HOST:PORT");
  app.add_option("--topic", topic, "topic to write (must exist)");
  app.add_option("--rate", rate, "records per second; 0 = as fast as possible")->check(CLI::NonNegativeNumber);
  app.add_option("--duration", duration, "seconds to run")->check(CLI::NonNegativeNumber);
  app.add_option("--count", count, "records to send (stops at whichever of --duration and --count comes first)");
  app.add_option("--record-bytes", recordBytes, "size of a record's JSON")->check(CLI::Range(100, 1 << 20));
  app.add_option("--seed", seed, "random seed of keys and payload offsets");
  app.add_option("-X", overrideArgs, "librdkafka producer setting key=value (repeatable; overrides the defaults)");
  app.add_option("--write-table", tablePath, "write query C's lookup table (CSV) to this path and exit");
  CLI11_PARSE(app, argc, argv);

  if (!tablePath.empty()) {
    if (!rtm::writeLookupTable(tablePath))
      rtm::die(kTool, "writing " + tablePath + ": " + std::strerror(errno));
    return 0;
  }
  if (brokers.empty() || topic.empty())
    rtm::die(kTool, "--brokers and --topic are required");
  if (duration <= 0 && count == 0)
    rtm::die(kTool, "give --duration or --count");

  rtm::installStopHandler();
  rtm::Settings overrides = rtm::parseOverrides(overrideArgs, kTool);
  Delivery delivery;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set_dr_msg_cb(conf, onDelivery);
  rd_kafka_conf_set_opaque(conf, &delivery);
  rtm::KafkaHandle producer =
      rtm::createClient(RD_KAFKA_PRODUCER, brokers, rtm::loadSettings(), overrides, kTool, conf);
  // Metadata first: the first record then does not wait for a connection.
  rtm::partitionCount(producer.get(), topic, kTool);

  rtm::RecordBuilder builder(recordBytes, seed);
  std::string value, key;
  uint64_t sent = 0, queueFullWaits = 0, bytes = 0;
  int64_t maxBehindNs = 0;
  const int64_t startNs = monotonicNanos();
  const int64_t endNs = duration > 0 ? startNs + int64_t(duration * 1e9) : INT64_MAX;
  const double nsPerRecord = rate > 0 ? 1e9 / rate : 0;
  while (!rtm::stopRequested() && (count == 0 || sent < count)) {
    int64_t now = monotonicNanos();
    if (rate > 0) {
      int64_t due = startNs + int64_t(double(sent) * nsPerRecord);
      if (due >= endNs)
        break;
      if (due > now) {
        sleepUntil(due);
        now = monotonicNanos();
      } else if (now - due > maxBehindNs) {
        maxBehindNs = now - due;
      }
    }
    if (now >= endNs)
      break;
    builder.build(int64_t(sent), rtm::nowMicros(), value, key);
    rd_kafka_resp_err_t err;
    while ((err = rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
                                    RD_KAFKA_V_KEY(key.data(), key.size()),
                                    RD_KAFKA_V_VALUE(value.data(), value.size()),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      ++queueFullWaits;
      rd_kafka_poll(producer.get(), 1);
    }
    if (err)
      rtm::die(kTool, std::string("produce: ") + rd_kafka_err2str(err));
    ++sent;
    bytes += value.size();
    rd_kafka_poll(producer.get(), 0); // delivery reports
  }
  const double seconds = double(monotonicNanos() - startNs) / 1e9;
  rd_kafka_resp_err_t flushErr = rd_kafka_flush(producer.get(), 30000);

  std::printf("{\"tool\":\"%s\",\"topic\":\"%s\",\"target_rate\":%.0f,\"sent\":%" PRIu64
              ",\"delivered\":%" PRIu64 ",\"failed\":%" PRIu64 ",\"seconds\":%.3f,\"rate\":%.1f"
              ",\"record_bytes_avg\":%.1f,\"max_behind_ms\":%.3f,\"queue_full_waits\":%" PRIu64
              ",\"flushed\":%s,\"cpu_s\":%.2f,\"settings\":%s}\n",
              kTool, topic.c_str(), rate, sent, delivery.delivered, delivery.failed, seconds,
              seconds > 0 ? double(sent) / seconds : 0.0, sent ? double(bytes) / double(sent) : 0.0,
              double(maxBehindNs) / 1e6, queueFullWaits, flushErr ? "false" : "true", rtm::cpuSeconds(),
              rtm::settingsJson(rtm::withOverrides(rtm::loadSettings(), overrides)).c_str());
  if (delivery.failed)
    std::fprintf(stderr, "%s: %" PRIu64 " records not delivered (first: %s)\n", kTool, delivery.failed,
                 delivery.firstError.c_str());
  return delivery.failed || flushErr ? 1 : 0;
}

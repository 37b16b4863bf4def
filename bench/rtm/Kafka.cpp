#include "bench/rtm/Kafka.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <unistd.h>
#include <sys/resource.h>

namespace rtm {

int64_t nowMicros() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

#include "runtime/src/kafka/KafkaDefaults.h"

template <size_t N>
static Settings fromWeir(const weir::rt::kafka_defaults::Setting (&list)[N]) {
  Settings out;
  for (const auto &s : list)
    out.emplace_back(s.key, s.value);
  return out;
}
Settings weirConsumerSettings() { return fromWeir(weir::rt::kafka_defaults::kConsumer); }
Settings weirProducerSettings() { return fromWeir(weir::rt::kafka_defaults::kProducer); }

bool weirSettingsFromRuntime() { return true; }

Settings loadSettings() {
  // librdkafka leaves Nagle's algorithm on by default: a small request could
  // wait for the acknowledgement of the previous one.
  return {{"socket.nagle.disable", "true"},
          {"linger.ms", "1"},
          {"acks", "1"},
          {"enable.idempotence", "false"}};
}

Settings readerSettings() {
  return {{"socket.nagle.disable", "true"},
          {"fetch.wait.max.ms", "1"},
          {"fetch.min.bytes", "1"},
          {"enable.partition.eof", "false"}};
}

Settings parseOverrides(const std::vector<std::string> &args, const char *tool) {
  Settings out;
  for (const std::string &a : args) {
    size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0)
      die(tool, "-X wants key=value, got '" + a + "'");
    out.emplace_back(a.substr(0, eq), a.substr(eq + 1));
  }
  return out;
}

void KafkaDeleter::operator()(rd_kafka_t *rk) const {
  if (rk)
    rd_kafka_destroy(rk);
}

KafkaHandle createClient(rd_kafka_type_t type, const std::string &brokers, const Settings &base,
                         const Settings &overrides, const char *tool, rd_kafka_conf_t *conf) {
  if (!conf)
    conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string &k, const std::string &v) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      die(tool, "setting " + k + "=" + v + ": " + err);
    }
  };
  set("bootstrap.servers", brokers);
  for (const auto &[k, v] : base)
    set(k, v);
  for (const auto &[k, v] : overrides)
    set(k, v);
  rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    die(tool, std::string("creating the client: ") + err);
  }
  return KafkaHandle(rk);
}

int32_t partitionCount(rd_kafka_t *rk, const std::string &topic, const char *tool) {
  // A topic created a moment ago may not be in the broker's metadata cache
  // yet (or its partitions have no leader yet): ask again for a while.
  std::string why;
  for (int attempt = 0; attempt < 100 && !stopRequested(); ++attempt) {
    if (attempt)
      usleep(100000);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    const rd_kafka_metadata_t *md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
    rd_kafka_topic_destroy(rkt);
    if (err) {
      why = rd_kafka_err2str(err);
      continue;
    }
    int32_t n = -1;
    if (md->topic_cnt == 1 && !md->topics[0].err) {
      n = md->topics[0].partition_cnt;
      for (int i = 0; i < n; ++i)
        if (md->topics[0].partitions[i].leader < 0)
          n = -1;
    }
    why = md->topic_cnt != 1         ? "not in the metadata"
          : md->topics[0].err        ? rd_kafka_err2str(md->topics[0].err)
                                     : "a partition without a leader";
    rd_kafka_metadata_destroy(md);
    if (n > 0)
      return n;
  }
  die(tool, "topic " + topic + ": " + why + " (for 10 s)");
}

namespace {
std::atomic<bool> stopFlag{false};
extern "C" void onStopSignal(int) { stopFlag.store(true); }
} // namespace

void installStopHandler() {
  struct sigaction sa = {};
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool stopRequested() { return stopFlag.load(std::memory_order_relaxed); }

double cpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void die(const char *tool, const std::string &message) {
  std::fprintf(stderr, "%s: %s\n", tool, message.c_str());
  std::exit(1);
}

Settings withOverrides(Settings base, const Settings &overrides) {
  base.insert(base.end(), overrides.begin(), overrides.end());
  return base;
}

std::string settingsJson(const Settings &settings) {
  // Keys and values of librdkafka settings hold no quotes or backslashes in
  // practice; escape them anyway so the summary stays valid JSON.
  auto quote = [](const std::string &s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\')
        q += '\\';
      q += c;
    }
    return q + "\"";
  };
  std::string out = "{";
  for (size_t i = 0; i < settings.size(); ++i)
    out += (i ? "," : "") + quote(settings[i].first) + ":" + quote(settings[i].second);
  return out + "}";
}

} // namespace rtm

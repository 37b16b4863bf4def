// rtm-topics: creates or deletes topics through librdkafka's admin API
// (a broker.sh create-topic starts a JVM per topic: ~2 s of CPU each, and
// the benchmark uses fresh topics for every measurement).
//
//   rtm-topics --brokers B create --partitions 2 in out
//   rtm-topics --brokers B delete in out
#include "bench/rtm/Kafka.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

namespace {

const char *const kTool = "rtm-topics";
const int kTimeoutMs = 30000;

// The next admin result on `queue`; exits on a request-level error.
rd_kafka_event_t *awaitResult(rd_kafka_queue_t *queue) {
  rd_kafka_event_t *ev = rd_kafka_queue_poll(queue, kTimeoutMs + 5000);
  if (!ev)
    rtm::die(kTool, "no answer from the broker");
  if (rd_kafka_event_error(ev))
    rtm::die(kTool, rd_kafka_event_error_string(ev));
  return ev;
}

int report(const rd_kafka_topic_result_t **results, size_t n, const char *verb, bool tolerateMissing) {
  int failures = 0;
  for (size_t i = 0; i < n; ++i) {
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (!err || (tolerateMissing && err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART))
      continue;
    std::fprintf(stderr, "%s: %s %s: %s\n", kTool, verb, rd_kafka_topic_result_name(results[i]),
                 rd_kafka_topic_result_error_string(results[i]));
    ++failures;
  }
  return failures;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"Creates or deletes topics (latency benchmark)", kTool};
  std::string brokers;
  int partitions = 2;
  std::vector<std::string> names;
  app.add_option("--brokers", brokers, "bootstrap servers HOST:PORT")->required();
  CLI::App *create = app.add_subcommand("create", "create topics (replication factor 1)");
  create->add_option("--partitions", partitions, "partitions per topic")->check(CLI::PositiveNumber);
  create->add_option("names", names, "topics")->required();
  CLI::App *remove = app.add_subcommand("delete", "delete topics (missing ones are fine)");
  remove->add_option("names", names, "topics")->required();
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);

  rtm::KafkaHandle client = rtm::createClient(RD_KAFKA_PRODUCER, brokers, {}, {}, kTool);
  std::unique_ptr<rd_kafka_queue_t, void (*)(rd_kafka_queue_t *)> queue(rd_kafka_queue_new(client.get()),
                                                                      rd_kafka_queue_destroy);
  rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(client.get(), RD_KAFKA_ADMIN_OP_ANY);
  char err[512];
  // Wait until the controller has done it, so the next step can use the topics.
  rd_kafka_AdminOptions_set_operation_timeout(options, kTimeoutMs, err, sizeof err);
  rd_kafka_AdminOptions_set_request_timeout(options, kTimeoutMs, err, sizeof err);
  int failures = 0;
  if (create->parsed()) {
    std::vector<rd_kafka_NewTopic_t *> topics;
    for (const std::string &name : names) {
      rd_kafka_NewTopic_t *t = rd_kafka_NewTopic_new(name.c_str(), partitions, 1, err, sizeof err);
      if (!t)
        rtm::die(kTool, name + ": " + err);
      topics.push_back(t);
    }
    rd_kafka_CreateTopics(client.get(), topics.data(), topics.size(), options, queue.get());
    rd_kafka_NewTopic_destroy_array(topics.data(), topics.size());
    rd_kafka_event_t *ev = awaitResult(queue.get());
    size_t n = 0;
    const rd_kafka_topic_result_t **results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    failures = report(results, n, "create", false);
    rd_kafka_event_destroy(ev);
    // Return once the broker serves them, so the next tool finds them.
    if (!failures)
      for (const std::string &name : names)
        rtm::partitionCount(client.get(), name, kTool);
  } else {
    std::vector<rd_kafka_DeleteTopic_t *> topics;
    for (const std::string &name : names)
      topics.push_back(rd_kafka_DeleteTopic_new(name.c_str()));
    rd_kafka_DeleteTopics(client.get(), topics.data(), topics.size(), options, queue.get());
    rd_kafka_DeleteTopic_destroy_array(topics.data(), topics.size());
    rd_kafka_event_t *ev = awaitResult(queue.get());
    size_t n = 0;
    const rd_kafka_topic_result_t **results =
        rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
    failures = report(results, n, "delete", true);
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_AdminOptions_destroy(options);
  return failures ? 1 : 0;
}

/* weir-kafka-admin: the topic chores of Weir's Kafka tests in one fast
 * client, through librdkafka's Admin API. (broker.sh create-topic starts a
 * JVM per call: ~2 s of CPU, which a suite of tests creating topics in
 * parallel cannot afford.)
 *
 *   weir-kafka-admin [-b BROKERS] [-X key=value]... [--timeout SECONDS] COMMAND
 *     create TOPIC... --partitions N   create topics (replication factor 1)
 *     delete TOPIC...                  delete topics
 *     end TOPIC                        "PARTITION HIGH_WATERMARK" per partition
 *     offsets GROUP TOPIC [--no-wait]  "PARTITION OFFSET" per partition: the
 *                                      group's committed offset, or "none";
 *                                      waits for open transactions unless
 *                                      --no-wait
 *
 * BROKERS defaults to $WEIR_KAFKA_BROKERS. Exit status 0 on success, 1 on
 * any error (one line on stderr naming the topic or group), 2 on a usage
 * error. Every request is bounded by --timeout (default 10 s), so an
 * unreachable broker fails instead of hanging. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <librdkafka/rdkafka.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_CONFIGS = 32 };

struct options {
  const char *brokers;
  const char *configs[MAX_CONFIGS]; /* "key=value" */
  int n_configs;
  int timeout_ms;
};

static void fail(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  fputs("weir-kafka-admin: ", stderr);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  va_end(args);
  exit(1);
}

static void usage(const char *why) {
  fprintf(stderr,
          "weir-kafka-admin: %s\n"
          "usage: weir-kafka-admin [-b BROKERS] [-X key=value]... [--timeout SECONDS] COMMAND\n"
          "  create TOPIC... --partitions N\n"
          "  delete TOPIC...\n"
          "  end TOPIC\n"
          "  offsets GROUP TOPIC [--no-wait]\n",
          why);
  exit(2);
}

/* A client that only talks to the cluster: a producer handle is the
 * cheapest kind (no group membership). */
static rd_kafka_t *connect_client(const struct options *opt) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", opt->brokers, err, sizeof err) != RD_KAFKA_CONF_OK)
    fail("bootstrap.servers: %s", err);
  /* librdkafka logs every failed connection attempt on stderr; the command's
   * own error says what failed. */
  if (rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err) != RD_KAFKA_CONF_OK)
    fail("log_level: %s", err);
  for (int i = 0; i < opt->n_configs; ++i) {
    char key[256];
    const char *eq = strchr(opt->configs[i], '=');
    if (!eq || eq == opt->configs[i] || (size_t)(eq - opt->configs[i]) >= sizeof key)
      usage("-X takes key=value");
    memcpy(key, opt->configs[i], (size_t)(eq - opt->configs[i]));
    key[eq - opt->configs[i]] = '\0';
    if (rd_kafka_conf_set(conf, key, eq + 1, err, sizeof err) != RD_KAFKA_CONF_OK)
      fail("-X %s: %s", key, err);
  }
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk)
    fail("cannot create a client: %s", err);
  return rk;
}

static rd_kafka_AdminOptions_t *admin_options(rd_kafka_t *rk, rd_kafka_admin_op_t op, int timeout_ms) {
  char err[512];
  rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(rk, op);
  if (rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, err, sizeof err))
    fail("request timeout: %s", err);
  /* Create and delete wait until the controller has applied the change, so
   * that the next client sees the topic (or its absence). */
  if ((op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS) &&
      rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms, err, sizeof err))
    fail("operation timeout: %s", err);
  return options;
}

/* The one result event of an admin request on `queue`, or a clear failure. */
static rd_kafka_event_t *await_result(rd_kafka_queue_t *queue, int timeout_ms, const char *what) {
  /* The request's own timeout fires first; the margin only guards a hang. */
  rd_kafka_event_t *event = rd_kafka_queue_poll(queue, timeout_ms + 5000);
  if (!event)
    fail("%s: no answer within %d ms", what, timeout_ms);
  if (rd_kafka_event_error(event))
    fail("%s: %s", what, rd_kafka_event_error_string(event));
  return event;
}

/* Each topic's own result: one line per failed topic, then exit 1. */
static void check_topic_results(const rd_kafka_topic_result_t **results, size_t n, const char *verb) {
  int failures = 0;
  for (size_t i = 0; i < n; ++i) {
    if (rd_kafka_topic_result_error(results[i])) {
      fprintf(stderr, "weir-kafka-admin: %s topic '%s': %s\n", verb, rd_kafka_topic_result_name(results[i]),
              rd_kafka_topic_result_error_string(results[i]));
      ++failures;
    }
  }
  if (failures)
    exit(1);
}

static int parse_int(const char *text, const char *what, int min) {
  char *end;
  long value = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || value < min || value > 1000000) {
    char why[128];
    snprintf(why, sizeof why, "%s must be an integer >= %d, not '%s'", what, min, text);
    usage(why);
  }
  return (int)value;
}

/* Errors of a cluster that is still settling (a topic created a moment ago
 * without a leader yet, the offsets topic loading on first use): asked
 * again until --timeout. */
static int transient(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE || err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
         err == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
         err == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE || err == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
         err == RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT; /* a transaction is still open */
}

/* Whether to ask again after `err`, having waited `*waited_ms` so far. */
static int retry(rd_kafka_resp_err_t err, int *waited_ms, const struct options *opt) {
  if (!transient(err) || *waited_ms >= opt->timeout_ms)
    return 0;
  nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
  *waited_ms += 100;
  return 1;
}

static void cmd_create(rd_kafka_t *rk, const struct options *opt, int argc, char **argv) {
  if (argc == 0)
    usage("create needs TOPIC... --partitions N");
  const char *topics[argc];
  int n_topics = 0, partitions = -1;
  for (int i = 0; i < argc; ++i) {
    if (strcmp(argv[i], "--partitions") == 0) {
      if (i + 1 == argc)
        usage("--partitions needs a value");
      partitions = parse_int(argv[++i], "--partitions", 1);
    } else {
      topics[n_topics++] = argv[i];
    }
  }
  if (n_topics == 0 || partitions < 0)
    usage("create needs TOPIC... --partitions N");
  rd_kafka_NewTopic_t *new_topics[n_topics];
  for (int i = 0; i < n_topics; ++i) {
    char err[512];
    new_topics[i] = rd_kafka_NewTopic_new(topics[i], partitions, 1, err, sizeof err);
    if (!new_topics[i])
      fail("create topic '%s': %s", topics[i], err);
  }
  rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t *options = admin_options(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS, opt->timeout_ms);
  rd_kafka_CreateTopics(rk, new_topics, (size_t)n_topics, options, queue);
  rd_kafka_event_t *event = await_result(queue, opt->timeout_ms, "create");
  size_t n;
  const rd_kafka_topic_result_t **results =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &n);
  check_topic_results(results, n, "create");
  rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_NewTopic_destroy_array(new_topics, (size_t)n_topics);
  rd_kafka_queue_destroy(queue);
}

static void cmd_delete(rd_kafka_t *rk, const struct options *opt, int argc, char **argv) {
  if (argc == 0)
    usage("delete needs TOPIC...");
  rd_kafka_DeleteTopic_t *topics[argc];
  for (int i = 0; i < argc; ++i)
    topics[i] = rd_kafka_DeleteTopic_new(argv[i]);
  rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t *options = admin_options(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS, opt->timeout_ms);
  rd_kafka_DeleteTopics(rk, topics, (size_t)argc, options, queue);
  rd_kafka_event_t *event = await_result(queue, opt->timeout_ms, "delete");
  size_t n;
  const rd_kafka_topic_result_t **results =
      rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &n);
  check_topic_results(results, n, "delete");
  rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_DeleteTopic_destroy_array(topics, (size_t)argc);
  rd_kafka_queue_destroy(queue);
}

/* The topic's partition count from the cluster's metadata; an unknown
 * topic fails (the broker does not create topics on request). */
static int partition_count(rd_kafka_t *rk, const struct options *opt, const char *topic) {
  rd_kafka_topic_t *handle = rd_kafka_topic_new(rk, topic, NULL);
  if (!handle)
    fail("topic '%s': %s", topic, rd_kafka_err2str(rd_kafka_last_error()));
  for (int waited_ms = 0;;) {
    const struct rd_kafka_metadata *metadata;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, handle, &metadata, opt->timeout_ms);
    if (err)
      fail("topic '%s': metadata from %s: %s", topic, opt->brokers, rd_kafka_err2str(err));
    if (metadata->topic_cnt != 1)
      fail("topic '%s': the metadata lists %d topics", topic, metadata->topic_cnt);
    err = metadata->topics[0].err;
    int count = metadata->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(metadata);
    if (retry(err, &waited_ms, opt))
      continue;
    if (err)
      fail("topic '%s': %s", topic, rd_kafka_err2str(err));
    rd_kafka_topic_destroy(handle);
    return count;
  }
}

static void cmd_end(rd_kafka_t *rk, const struct options *opt, int argc, char **argv) {
  if (argc != 1)
    usage("end needs TOPIC");
  const char *topic = argv[0];
  int partitions = partition_count(rk, opt, topic);
  for (int p = 0; p < partitions; ++p) {
    int64_t low, high;
    rd_kafka_resp_err_t err;
    int waited_ms = 0;
    do
      err = rd_kafka_query_watermark_offsets(rk, topic, p, &low, &high, opt->timeout_ms);
    while (retry(err, &waited_ms, opt));
    if (err)
      fail("topic '%s' partition %d: watermarks: %s", topic, p, rd_kafka_err2str(err));
    printf("%d %" PRId64 "\n", p, high);
  }
}

/* One ListConsumerGroupOffsets request for every partition of `wanted`;
 * its result event, or NULL after a transient error (*err says which). */
static rd_kafka_event_t *list_group_offsets(rd_kafka_t *rk, const struct options *opt, const char *group,
                                            const rd_kafka_topic_partition_list_t *wanted, int stable,
                                            rd_kafka_resp_err_t *err) {
  rd_kafka_ListConsumerGroupOffsets_t *request = rd_kafka_ListConsumerGroupOffsets_new(group, wanted);
  rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t *options =
      admin_options(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, opt->timeout_ms);
  /* Stable: offsets committed inside a transaction that is still open are
   * not an answer yet (asked again until it ends). Otherwise the offsets
   * of the transactions committed so far. */
  rd_kafka_error_t *error = rd_kafka_AdminOptions_set_require_stable_offsets(options, stable);
  if (error)
    fail("require_stable_offsets: %s", rd_kafka_error_string(error));
  rd_kafka_ListConsumerGroupOffsets(rk, &request, 1, options, queue);
  rd_kafka_event_t *event = rd_kafka_queue_poll(queue, opt->timeout_ms + 5000);
  if (!event)
    fail("offsets of group '%s': no answer within %d ms", group, opt->timeout_ms);
  *err = rd_kafka_event_error(event);
  if (*err && transient(*err)) {
    rd_kafka_event_destroy(event);
    event = NULL;
  } else if (*err) {
    fail("offsets of group '%s': %s", group, rd_kafka_event_error_string(event));
  }
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_ListConsumerGroupOffsets_destroy(request);
  rd_kafka_queue_destroy(queue);
  return event;
}

/* The partition's entry in a ListConsumerGroupOffsets result, or NULL. */
static const rd_kafka_topic_partition_t *find_partition(const rd_kafka_topic_partition_list_t *found,
                                                        const char *topic, int partition) {
  for (int i = 0; found && i < found->cnt; ++i)
    if (found->elems[i].partition == partition && strcmp(found->elems[i].topic, topic) == 0)
      return &found->elems[i];
  return NULL;
}

static void cmd_offsets(rd_kafka_t *rk, const struct options *opt, int argc, char **argv) {
  int stable = 1;
  if (argc == 3 && strcmp(argv[2], "--no-wait") == 0) {
    stable = 0;
    --argc;
  }
  if (argc != 2)
    usage("offsets needs GROUP TOPIC [--no-wait]");
  const char *group = argv[0], *topic = argv[1];
  int partitions = partition_count(rk, opt, topic);
  rd_kafka_topic_partition_list_t *wanted = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(wanted, topic, p);
  for (int waited_ms = 0;;) {
    rd_kafka_resp_err_t err;
    rd_kafka_event_t *event = list_group_offsets(rk, opt, group, wanted, stable, &err);
    if (!event) {
      if (!retry(err, &waited_ms, opt))
        fail("offsets of group '%s': %s", group, rd_kafka_err2str(err));
      continue;
    }
    size_t n;
    const rd_kafka_group_result_t **groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
        rd_kafka_event_ListConsumerGroupOffsets_result(event), &n);
    if (n != 1)
      fail("group '%s': %zu results for one group", group, n);
    const rd_kafka_error_t *group_error = rd_kafka_group_result_error(groups[0]);
    if (group_error)
      fail("group '%s': %s", group, rd_kafka_error_string(group_error));
    const rd_kafka_topic_partition_list_t *found = rd_kafka_group_result_partitions(groups[0]);
    rd_kafka_resp_err_t pending = RD_KAFKA_RESP_ERR_NO_ERROR;
    for (int p = 0; p < partitions; ++p) {
      const rd_kafka_topic_partition_t *entry = find_partition(found, topic, p);
      if (entry && entry->err && !(transient(entry->err) && retry(entry->err, &waited_ms, opt)))
        fail("group '%s' topic '%s' partition %d: %s", group, topic, p, rd_kafka_err2str(entry->err));
      if (entry && entry->err)
        pending = entry->err;
    }
    if (pending) {
      rd_kafka_event_destroy(event);
      continue;
    }
    for (int p = 0; p < partitions; ++p) {
      const rd_kafka_topic_partition_t *entry = find_partition(found, topic, p);
      if (!entry || entry->offset < 0)
        printf("%d none\n", p);
      else
        printf("%d %" PRId64 "\n", p, entry->offset);
    }
    rd_kafka_event_destroy(event);
    break;
  }
  rd_kafka_topic_partition_list_destroy(wanted);
}

int main(int argc, char **argv) {
  struct options opt = {.brokers = getenv("WEIR_KAFKA_BROKERS"), .timeout_ms = 10000};
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; ++i) {
    if (i + 1 == argc)
      usage("an option needs a value");
    if (strcmp(argv[i], "-b") == 0) {
      opt.brokers = argv[++i];
    } else if (strcmp(argv[i], "-X") == 0) {
      if (opt.n_configs == MAX_CONFIGS)
        usage("too many -X options");
      opt.configs[opt.n_configs++] = argv[++i];
    } else if (strcmp(argv[i], "--timeout") == 0) {
      opt.timeout_ms = parse_int(argv[++i], "--timeout", 1) * 1000;
    } else {
      usage("unknown option");
    }
  }
  if (i == argc)
    usage("no command");
  if (!opt.brokers || !*opt.brokers)
    usage("no brokers: pass -b HOST:PORT or set WEIR_KAFKA_BROKERS");
  const char *command = argv[i++];
  void (*run)(rd_kafka_t *, const struct options *, int, char **) = NULL;
  if (strcmp(command, "create") == 0)
    run = cmd_create;
  else if (strcmp(command, "delete") == 0)
    run = cmd_delete;
  else if (strcmp(command, "end") == 0)
    run = cmd_end;
  else if (strcmp(command, "offsets") == 0)
    run = cmd_offsets;
  else
    usage("unknown command");
  rd_kafka_t *rk = connect_client(&opt);
  run(rk, &opt, argc - i, argv + i);
  rd_kafka_destroy(rk);
  return 0;
}

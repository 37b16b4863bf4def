/* Transactions against the test broker, through librdkafka's own API:
 *   txn_probe BOOTSTRAP TOPIC N M
 * commits N records "committed-1-<i>", then writes M records
 * "aborted-<i>" to the log (flushed, so they are really there) and aborts
 * that transaction, then commits N records "committed-2-<i>".
 * smoke.sh checks that a read_committed consumer sees exactly the 2N
 * committed records (it must step over the aborted ones to reach the
 * second batch) and that a read_uncommitted one sees all 2N+M.
 * Exit status 0 on success, 1 on any error (printed on stderr). */
#include <librdkafka/rdkafka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TIMEOUT_MS = 30000 };

static int failed(const char *what, rd_kafka_error_t *error) {
  if (!error)
    return 0;
  fprintf(stderr, "txn_probe: %s: %s\n", what, rd_kafka_error_string(error));
  rd_kafka_error_destroy(error);
  return 1;
}

static int produce(rd_kafka_t *rk, const char *topic, const char *prefix, int n) {
  for (int i = 0; i < n; ++i) {
    char value[64];
    int len = snprintf(value, sizeof value, "%s-%d", prefix, i);
    rd_kafka_resp_err_t err;
    while ((err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(value, (size_t)len),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL)
      rd_kafka_poll(rk, 100);
    if (err) {
      fprintf(stderr, "txn_probe: produce: %s\n", rd_kafka_err2str(err));
      return 1;
    }
  }
  return 0;
}

/* Delivery reports: a record the broker refused fails the run. */
static int delivery_errors;
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque) {
  (void)rk, (void)opaque;
  if (msg->err) {
    fprintf(stderr, "txn_probe: delivery: %s\n", rd_kafka_err2str(msg->err));
    ++delivery_errors;
  }
}

/* Abort would drop records still queued; flushing puts them in the log. */
static int flushed(rd_kafka_t *rk) {
  rd_kafka_resp_err_t err = rd_kafka_flush(rk, TIMEOUT_MS);
  if (err)
    fprintf(stderr, "txn_probe: flush: %s\n", rd_kafka_err2str(err));
  return err == RD_KAFKA_RESP_ERR_NO_ERROR;
}

static int committed_batch(rd_kafka_t *rk, const char *topic, const char *prefix, int n) {
  return failed("begin", rd_kafka_begin_transaction(rk)) || produce(rk, topic, prefix, n) ||
         failed("commit", rd_kafka_commit_transaction(rk, TIMEOUT_MS));
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: txn_probe BOOTSTRAP TOPIC N M\n");
    return 2;
  }
  const char *topic = argv[2];
  int n = atoi(argv[3]), m = atoi(argv[4]);
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], errstr, sizeof errstr) ||
      rd_kafka_conf_set(conf, "transactional.id", "weir-txn-probe", errstr, sizeof errstr)) {
    fprintf(stderr, "txn_probe: config: %s\n", errstr);
    return 1;
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    fprintf(stderr, "txn_probe: new producer: %s\n", errstr);
    return 1;
  }
  int bad = failed("init", rd_kafka_init_transactions(rk, TIMEOUT_MS)) ||
            committed_batch(rk, topic, "committed-1", n) ||
            failed("begin", rd_kafka_begin_transaction(rk)) || produce(rk, topic, "aborted", m) ||
            !flushed(rk) ||
            failed("abort", rd_kafka_abort_transaction(rk, TIMEOUT_MS)) ||
            committed_batch(rk, topic, "committed-2", n);
  rd_kafka_destroy(rk);
  return bad || delivery_errors ? 1 : 0;
}

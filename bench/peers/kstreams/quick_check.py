#!/usr/bin/env python3
"""Quick correctness check of the Kafka Streams peer (bench/peers/kstreams).

Writes 2,000 records with rtm-load into a 2-partition topic (on a broker of
its own, or --brokers), then runs the peer (run.sh) once per case below until
its output is complete, and checks the output, read with kcat
(read_committed under exactly_once), against bench/peers/common.py's model:
  A, C  exactly the model's rows, each once, keyed by grp (C's table lacks
        every third key, so the join must drop rows)
  B     one update per input record; per grp the counts rise 1..n, each with
        its record's sent_us; the final counts are the model's
and that the peer exits cleanly on SIGTERM. One PASS/FAIL line per check,
the start-up time as information; exits 1 on a failure.

  bench/peers/kstreams/quick_check.py [--build DIR] [--brokers HOST:PORT] [--cases A:at_least_once:rocksdb,...]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# query:guarantee[:mode]. Each query under both guarantees in the default
# mode (RocksDB stores, C through a GlobalKTable), plus the other modes
# under at_least_once.
DEFAULT_CASES = ("A:at_least_once,A:exactly_once,"
                 "B:at_least_once,B:exactly_once,B:at_least_once:memory,"
                 "C:at_least_once,C:exactly_once,C:at_least_once:map")


def add_args(ap):
    ap.add_argument("--cases", default=DEFAULT_CASES, help="query:guarantee:mode, comma-separated")
    ap.add_argument("--timeout", type=float, default=60, help="seconds per case for the output")


def body(ctx, ck):
    in_topic, events = ctx.standard_input(ck)
    table = ctx.lookup_table()
    want = {"A": common.model_a(events), "B": common.model_b(events), "C": common.model_c(events, table)}
    for case in ctx.args.cases.split(","):
        query, guarantee, mode = (case.split(":") + [""])[:3]
        name = f"{query} {guarantee}" + (f" {mode}" if mode else "")
        n_expected = len(events) if query == "B" else len(want[query])
        out = ctx.topic(f"{name.replace(' ', '-').replace('_', '')}.out")
        ctx.create_topics(out)
        argv = [os.path.join(HERE, "run.sh"), "--brokers", ctx.brokers, "--in", in_topic, "--out", out,
                "--query", query, "--guarantee", guarantee, "--state-dir", os.path.join(ctx.work, "state")]
        argv += ["--mode", mode] if mode else []
        argv += ["--lookup", ctx.lookup] if query == "C" else []
        ck.log(f"case {name}")
        res = common.run_peer(ctx, argv, out, guarantee == "exactly_once", lambda rows: len(rows) >= n_expected,
                              ctx.args.timeout, tag=name)
        common.report_run(ck, name, res, ctx.args.timeout, clean_exit=True)
        if query == "B":
            common.check_b(ck, name, res.rows, want["B"])
        else:
            common.check_rows(ck, name, res.rows, want[query])
        ctx.delete_topics(out)


if __name__ == "__main__":
    sys.exit(common.main("kstreams", __doc__, add_args, body))

#!/usr/bin/env python3
"""Quick correctness check of the Spark peer (bench/peers/spark), about 2-3 minutes.

On a broker of its own (or --brokers), runs the peer for each of the following
on a 2-partition input topic of its own, with 1,000 records written by rtm-load
before the launch and 1,000 more (at 500/s) once the first output record
arrived, so that records also meet the running query:
  A rtm, C rtm, B microbatch            always
  A microbatch, C microbatch            with --all-modes (two more Spark starts, ~1 more minute)
each into its own output topic until all the expected output has arrived (or a
time-out), and checks that output, read back with kcat, against
bench/peers/common.py's model over the same input (C's table lacks every third
key; B's micro-batches coalesce updates: counts rise, each update one of the
model's states, ending at the group's total). Also checks that the peer
refuses, with its explanation, the two combinations Spark 4.2 does not offer:
--guarantee exactly_once and query B under --mode rtm. One PASS/FAIL line per
check, the start-up time as information; exits 1 on any failure.

  bench/peers/spark/quick_check.py [--build BUILD] [--brokers HOST:PORT] [--all-modes] [--runs A:rtm,...]
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LIVE_RATE = 500  # records/s of the second half (while the query runs: 2 s)


def add_args(ap):
    ap.add_argument("--all-modes", action="store_true", help="also run A and C under microbatch")
    ap.add_argument("--runs", help="only these runs, e.g. A:rtm,B:microbatch (the refusals are always checked)")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per peer run")


def refusal(ctx, ck, what, extra, needle):
    argv = [os.path.join(HERE, "run.sh"), "--brokers", ctx.brokers, "--in", "unused", "--out", "unused",
            "--lookup", ctx.lookup] + extra
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    msg = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    ck(r.returncode == 3 and needle in r.stderr, f"refuses {what} with the reason", msg[:160])


def peer_run(ctx, ck, query, mode, table):
    """One run on an input topic of its own: half the input there before launch (the
    catch-up), half produced once the first output record arrived (records meeting a running
    query: Real-Time Mode's long-running tasks, or several micro-batches)."""
    tag, half = f"{query} {mode}", common.RECORDS // 2
    in_topic, out_topic = ctx.topic(f"in-{query}-{mode}".lower()), ctx.topic(f"out-{query}-{mode}".lower())
    ctx.create_topics(in_topic, out_topic)
    ctx.produce(in_topic, half, seed=1)
    argv = [os.path.join(HERE, "run.sh"), "--brokers", ctx.brokers, "--in", in_topic, "--out", out_topic,
            "--query", query, "--guarantee", "at_least_once", "--mode", mode,
            "--state-dir", os.path.join(ctx.work, f"state-{query}-{mode}")]
    argv += ["--lookup", ctx.lookup] if query == "C" else []
    st = {"live": None, "events": None}

    def on_first():
        st["live"] = subprocess.Popen(ctx.produce_argv(in_topic, half, LIVE_RATE, seed=2),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def done(rows):
        if st["live"] is None or st["live"].poll() is None:
            return False
        if st["events"] is None:
            st["events"] = ctx.read_input(in_topic)
        ev = st["events"]
        if query == "B":  # every group's final count has arrived
            last = {}
            for _, r in rows:
                last[r.get("grp")] = max(last.get(r.get("grp"), 0), r.get("n") or 0)
            return all(last.get(g) == len(h) for g, h in common.model_b(ev).items())
        return len(rows) >= len(common.model_a(ev) if query == "A" else common.model_c(ev, table))

    try:
        res = common.run_peer(ctx, argv, out_topic, False, done, ctx.args.timeout, on_first=on_first, tag=tag)
    finally:
        if st["live"] is not None:
            common.stop_process(st["live"], grace=5)
    events = ctx.read_input(in_topic)
    ck(len(events) == common.RECORDS, f"{tag} input", f"{len(events)} records ({half} before launch, "
       f"{half} while running)")
    common.report_run(ck, tag, res, ctx.args.timeout)
    return res.rows, events


def body(ctx, ck):
    table = ctx.lookup_table()
    refusal(ctx, ck, "--guarantee exactly_once",
            ["--query", "A", "--guarantee", "exactly_once", "--mode", "rtm"], "at least once")
    refusal(ctx, ck, "query B in Real-Time Mode",
            ["--query", "B", "--guarantee", "at_least_once", "--mode", "rtm"],
            "not supported in open-source Spark 4.2")
    runs = [("A", "rtm"), ("C", "rtm"), ("B", "microbatch")]
    if ctx.args.all_modes:
        runs += [("A", "microbatch"), ("C", "microbatch")]
    if ctx.args.runs:
        runs = [tuple(r.split(":")) for r in ctx.args.runs.split(",")]
    for query, mode in runs:
        ck.log(f"run {query} {mode}")
        rows, events = peer_run(ctx, ck, query, mode, table)
        tag = f"{query} {mode}"
        if query == "A":
            common.check_rows(ck, tag, rows, common.model_a(events))
        elif query == "C":
            common.check_rows(ck, tag, rows, common.model_c(events, table))
        else:
            # Spark's max(sent_us): the same as last() under rtm-load's rising send times.
            common.check_b(ck, tag, rows, common.model_b(events, sent_us="max"), per_record=False)


if __name__ == "__main__":
    sys.exit(common.main("spark", __doc__, add_args, body))

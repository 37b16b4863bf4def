#!/usr/bin/env python3
"""Quick correctness check of the Spark peer (bench/peers/spark), about 2-3 minutes.

Starts a Kafka broker of its own (test/kafka/broker.sh, own run directory, stopped at exit),
then runs the peer for each of the following on a 2-partition input topic of its own, with 1,000
records written by rtm-load before the launch and 1,000 more (at 500/s) once the first output
record arrived, so that records also meet the running query:
  A rtm, C rtm, B microbatch            always
  A microbatch, C microbatch            with --all-modes (two more Spark starts, ~1 more minute)
each into its own output topic until all the expected output has arrived (or a time-out), and
checks that output, read back with kcat, against a Python model of the query over the same input
(read back with kcat too). Also checks that the peer refuses, with its explanation, the two
combinations Spark 4.2 does not offer: --guarantee exactly_once and query B under --mode rtm.
Prints one PASS/FAIL line per check and, as information only, the start-up time (launch of
run.sh to the first output record). Exits 1 on any failure.

  bench/peers/spark/quick_check.py [--build-dir BUILD] [--all-modes]
Needs: build.sh run before (the peer built), kcat, the Kafka jars (broker.sh fetch), rtm-load.
"""
import argparse
import base64
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
BROKER_SH = os.path.join(REPO, "test", "kafka", "broker.sh")
RECORDS = 2000
RATE = 2000  # records/s of the first half (before launch)
LIVE_RATE = 500  # records/s of the second half (while the query runs: 2 s)

results = []  # (ok, name)
started = []  # processes to stop at exit


def check(ok, name, detail=""):
    results.append((bool(ok), name))
    print(f"{'PASS' if ok else 'FAIL'}: {name}" + (f" ({detail})" if detail else ""), flush=True)


def info(msg):
    print(f"info: {msg}", flush=True)


def run(argv, timeout=60, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)


def stop(p, grace=15):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


# ---------------------------------------------------------------- the model

def b64_1000(payload):
    return base64.b64encode(payload[:1000].encode()).decode()


def model_a(events):
    return [{"seq": e["seq"], "sent_us": e["sent_us"], "grp": e["grp"], "payload": b64_1000(e["payload"])}
            for e in events]


def model_c(events, table):
    return [{"seq": e["seq"], "sent_us": e["sent_us"], "grp": e["grp"], "lookup_value": table[e["lookup_key"]],
             "payload": b64_1000(e["payload"])} for e in events if e["lookup_key"] in table]


def model_b(events):
    """Per group: the list of (n, sent_us) after each of its records, in input (offset) order."""
    per = collections.defaultdict(list)
    for e in events:  # one group lives in one partition, so its records keep their order
        hist = per[e["grp"]]
        last = hist[-1][1] if hist else None
        hist.append((len(hist) + 1, e["sent_us"] if last is None else max(last, e["sent_us"])))
    return per


def read_table(path):
    with open(path) as f:
        next(f)
        return {int(k): int(v) for k, v in (line.strip().split(",") for line in f if line.strip())}


# ---------------------------------------------------------------- checks per query

def check_rows(tag, got, want):
    """A and C: the output rows (and keys) against the model's, as multisets."""
    keys_ok = all(k == str(r.get("grp")) for k, r in got)
    got_rows = collections.Counter(json.dumps(r, sort_keys=True) for _, r in got)
    want_rows = collections.Counter(json.dumps(r, sort_keys=True) for r in want)
    missing = set(want_rows) - set(got_rows)
    extra = set(got_rows) - set(want_rows)
    dups = sum(c - 1 for c in got_rows.values() if c > 1)
    fields_ok = all(list(r.keys()) == list(want[0].keys()) for _, r in got) if want else True
    check(not missing and not extra, f"{tag}: every expected row, nothing else",
          f"{len(got)} rows, {len(want)} expected, {len(missing)} missing, {len(extra)} unexpected")
    check(dups == 0, f"{tag}: no duplicates in a failure-free run", f"{dups} duplicates")
    check(fields_ok, f"{tag}: fields in Weir's order", ",".join(want[0].keys()) if want else "")
    check(keys_ok, f"{tag}: each record keyed by its grp")


def check_b(tag, got, events):
    want = model_b(events)
    updates = collections.defaultdict(list)
    for k, r in got:
        updates[r["grp"]].append((r["n"], r["sent_us"]))
    final_ok = set(updates) == set(want) and all(updates[g][-1][0] == len(want[g]) for g in want)
    check(final_ok, f"{tag}: final count per group", f"{len(want)} groups")
    rising = all(all(a[0] < b[0] for a, b in zip(u, u[1:])) for u in updates.values())
    check(rising, f"{tag}: each group's counts rise (never repeat or fall), ending at its total")
    # Each update (n, sent_us) is the model's state after the group's n-th record.
    pairs_ok = all(want[g][n - 1] == (n, s) for g, u in updates.items() if g in want for n, s in u
                   if 1 <= n <= len(want[g]))
    check(pairs_ok, f"{tag}: each update's sent_us is the latest of the group's first n records")
    check(all(k == str(r["grp"]) for k, r in got), f"{tag}: each update keyed by its grp")
    check(all(list(r.keys()) == ["grp", "n", "sent_us"] for _, r in got), f"{tag}: fields grp,n,sent_us")
    per_record = sum(len(v) for v in want.values())
    info(f"{tag}: {len(got)} updates for {per_record} input records: a micro-batch emits one update per "
         f"group it touched, with the count after its last record, so updates within one batch are "
         f"coalesced ({per_record - len(got)} here)")


# ---------------------------------------------------------------- one peer run

def produce(ctx, topic, count, seed, rate):
    return [ctx.tools["load"], "--brokers", ctx.brokers, "--topic", topic, "--rate", str(rate),
            "--count", str(count), "--duration", "60", "--seed", str(seed)]


def read_input(ctx, topic):
    """The input topic's records in partition and offset order (each group's order)."""
    r = run(["kcat", "-b", ctx.brokers, "-C", "-t", topic, "-o", "beginning", "-e", "-q",
             "-f", "%p\t%o\t%s\n"], timeout=60)
    events = []
    for line in r.stdout.splitlines():
        p, o, value = line.split("\t", 2)
        events.append((int(p), int(o), json.loads(value)))
    return [e for _, _, e in sorted(events, key=lambda t: (t[0], t[1]))]


def peer_run(ctx, query, mode, done_for, timeout):
    """One run of the peer on an input topic of its own: the first half of the input is there
    before launch (the catch-up), the second half is produced once the first output record
    arrived (records meeting a running query: Real-Time Mode's long-running tasks, or several
    micro-batches). Runs until done_for(events)(rows) holds; returns (rows, events) or None."""
    tag = f"{query} {mode}"
    in_topic, out_topic = f"in-{query}-{mode}".lower(), f"out-{query}-{mode}".lower()
    subprocess.run([ctx.tools["topics"], "--brokers", ctx.brokers, "create", "--partitions", "2",
                    in_topic, out_topic], check=True, capture_output=True, timeout=60)
    subprocess.run(produce(ctx, in_topic, RECORDS // 2, 1, RATE), check=True, capture_output=True, timeout=90)
    out_path = os.path.join(ctx.work, out_topic + ".jsonl")
    with open(out_path, "w") as out_file:
        reader = subprocess.Popen(["kcat", "-b", ctx.brokers, "-C", "-t", out_topic, "-o", "beginning", "-q", "-u",
                                   "-f", "%k\t%s\n"], stdout=out_file, stderr=subprocess.DEVNULL)
    started.append(reader)
    argv = [os.path.join(HERE, "run.sh"), "--brokers", ctx.brokers, "--in", in_topic, "--out", out_topic,
            "--query", query, "--guarantee", "at_least_once", "--mode", mode,
            "--state-dir", os.path.join(ctx.work, f"state-{query}-{mode}")]
    if query == "C":
        argv += ["--lookup", ctx.lookup]
    err_path = os.path.join(ctx.work, f"peer-{query}-{mode}.stderr")
    launched = time.monotonic()
    with open(err_path, "w") as err:
        peer = subprocess.Popen(argv, stdout=err, stderr=err)
    started.append(peer)
    first, live, done, events = None, None, None, None
    deadline = launched + timeout
    complete = False
    while time.monotonic() < deadline and peer.poll() is None:
        rows = read_output(out_path)
        if rows and first is None:
            first = time.monotonic() - launched
            live = subprocess.Popen(produce(ctx, in_topic, RECORDS // 2, 2, LIVE_RATE),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            started.append(live)
        if live is not None and done is None and live.poll() is not None:
            events = read_input(ctx, in_topic)
            done = done_for(events)
        if done is not None and done(rows):
            complete = True
            break
        time.sleep(0.25)
    time.sleep(1.0)  # anything beyond the expected output (duplicates) has a moment to show
    exited = peer.poll()
    stop(peer)
    stop(reader, grace=5)
    if exited is not None:
        with open(err_path) as f:
            tail = "".join(f.readlines()[-6:])
        check(False, f"{tag}: the peer runs until stopped", f"exit {exited}: {tail.strip()}")
        return None
    rows = read_output(out_path)
    if events is None:
        events = read_input(ctx, in_topic)
    check(len(events) == RECORDS, f"{tag}: input ({RECORDS // 2} before launch, {RECORDS // 2} while running)",
          f"{len(events)} records")
    check(complete, f"{tag}: all output within {timeout} s", f"{len(rows)} records")
    info(f"{tag}: start-up (launch to first output record) {first:.1f} s" if first else
         f"{tag}: no output record")
    return rows, events


def read_output(path):
    """The output so far as [(key, row)]; a last line kcat is still writing is left out."""
    rows = []
    with open(path) as f:
        for line in f:
            if not line.endswith("\n"):
                break
            key, _, value = line.rstrip("\n").partition("\t")
            rows.append((key, json.loads(value)))
    return rows


def refusal(ctx, what, extra, needle):
    argv = [os.path.join(HERE, "run.sh"), "--brokers", ctx.brokers, "--in", ctx.in_topic, "--out", "unused",
            "--lookup", ctx.lookup] + extra
    r = run(argv, timeout=60)
    msg = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    check(r.returncode == 3 and needle in r.stderr, f"refuses {what} with the reason", msg[:160])


# ---------------------------------------------------------------- main

class Ctx:
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.environ.get("WEIR_BUILD_DIR", os.path.join(REPO, "build")),
                    help="Weir build dir with bench/rtm/rtm-load and rtm-topics")
    ap.add_argument("--all-modes", action="store_true", help="also run A and C under microbatch")
    ap.add_argument("--runs", help="only these runs, e.g. A:rtm,B:microbatch (the refusals are always checked)")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per peer run")
    args = ap.parse_args()
    t0 = time.monotonic()

    ctx = Ctx()
    rtm = os.path.join(args.build_dir, "bench", "rtm")
    if not os.path.exists(os.path.join(rtm, "rtm-load")) and os.path.exists("/work/main/build/bench/rtm/rtm-load"):
        rtm = "/work/main/build/bench/rtm"
    ctx.tools = {t: os.path.join(rtm, f"rtm-{t}") for t in ("load", "topics")}
    for t in list(ctx.tools.values()) + [os.path.join(HERE, "target", "classpath.txt")]:
        if not os.path.exists(t):
            print(f"quick_check: {t} missing (build Weir's bench tools / run build.sh)", file=sys.stderr)
            return 2
    ctx.work = tempfile.mkdtemp(prefix="spark-peer-check-")
    env = dict(os.environ, WEIR_KAFKA_RUN=os.path.join(ctx.work, "broker"))
    broker_started = False
    try:
        r = run([BROKER_SH, "start"], timeout=150, env=env)
        if r.returncode != 0:
            print(f"quick_check: broker.sh start failed: {r.stderr.strip()[-600:]}", file=sys.stderr)
            return 1
        broker_started = True
        ctx.brokers = r.stdout.strip().splitlines()[-1]
        info(f"broker {ctx.brokers} (own run dir {env['WEIR_KAFKA_RUN']})")

        ctx.lookup = os.path.join(ctx.work, "lookup.csv")
        subprocess.run([ctx.tools["load"], "--write-table", ctx.lookup], check=True, timeout=30)
        ctx.in_topic = "unused"
        table = read_table(ctx.lookup)

        refusal(ctx, "--guarantee exactly_once",
                ["--query", "A", "--guarantee", "exactly_once", "--mode", "rtm"], "at least once")
        refusal(ctx, "query B in Real-Time Mode",
                ["--query", "B", "--guarantee", "at_least_once", "--mode", "rtm"],
                "not supported in open-source Spark 4.2")

        runs = [("A", "rtm"), ("C", "rtm"), ("B", "microbatch")]
        if args.all_modes:
            runs += [("A", "microbatch"), ("C", "microbatch")]
        if args.runs:
            runs = [tuple(r.split(":")) for r in args.runs.split(",")]

        def b_done(events):  # every group's final count has arrived
            totals = {g: len(h) for g, h in model_b(events).items()}

            def done(rows):
                last = {}
                for _, r in rows:
                    last[r["grp"]] = max(last.get(r["grp"], 0), r["n"])
                return all(last.get(g) == n for g, n in totals.items())
            return done

        done_for = {"A": lambda ev: lambda rows: len(rows) >= len(model_a(ev)),
                    "C": lambda ev: lambda rows: len(rows) >= len(model_c(ev, table)),
                    "B": b_done}
        for query, mode in runs:
            tag = f"{query} {mode}"
            got = peer_run(ctx, query, mode, done_for[query], args.timeout)
            if got is None:
                continue
            rows, events = got
            if query == "A":
                check_rows(tag, rows, model_a(events))
            elif query == "C":
                check_rows(tag, rows, model_c(events, table))
            else:
                check_b(tag, rows, events)
    finally:
        for p in started:
            stop(p, grace=10)
        if broker_started:
            run([BROKER_SH, "stop"], timeout=90, env=env)
        shutil.rmtree(ctx.work, ignore_errors=True)
    failed = sum(1 for ok, _ in results if not ok)
    info(f"{len(results)} checks in {time.monotonic() - t0:.0f} s")
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())

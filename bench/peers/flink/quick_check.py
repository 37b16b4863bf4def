#!/usr/bin/env python3
"""Quick correctness check of the Flink peer (bench/peers/flink).

Starts a broker of its own (test/kafka/broker.sh, its own run directory),
writes 2,000 input records with rtm-load into a 2-partition topic, then runs
the Flink job (run.sh) for each query (A, B, C) and guarantee (at_least_once,
exactly_once) into a fresh output topic, reads the output with kcat
(read_committed for exactly_once) until the expected number of rows is there
and the topic has been quiet for a moment, stops the job and compares the rows
with a Python model of the query over the input as kcat read it back.

  bench/peers/flink/quick_check.py [--build BUILD] [--queries A,B,C]
                                   [--guarantees at_least_once,exactly_once] [--restart]

--restart adds a recovery check: B exactly_once SIGKILLed mid-stream and
started again on the same --state-dir; read_committed output must still hold
every count exactly once.

Prints one PASS/FAIL line per check and, as information only, the start-up
time (launch to the first output record) of each run; exits 1 on a failure.
"""
import argparse
import base64
import collections
import csv
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
BROKER_SH = os.path.join(REPO, "test", "kafka", "broker.sh")
RECORDS = 2000
RATE = 2000          # records/s: one second of load
QUIET_S = 1.5        # after the expected rows, nothing more for this long (duplicates would show)
OUTPUT_TIMEOUT_S = 120

failures = []
passes = []


def log(msg):
    print(f"quick_check: {msg}", file=sys.stderr, flush=True)


def result(ok, name, detail):
    print(f"{'PASS' if ok else 'FAIL'} flink {name}: {detail}", flush=True)
    (passes if ok else failures).append(name)


def run(argv, timeout, env=None, what=None):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"{what or argv[0]} failed (exit {r.returncode}): {r.stderr.strip()[-600:]}")
    return r.stdout


# ---------------------------------------------------------------- the model
def encode(payload):
    return base64.b64encode(payload[:1000].encode("utf-8")).decode("ascii")


def expected_a(events):
    return [{"seq": e["seq"], "sent_us": e["sent_us"], "grp": e["grp"], "payload": encode(e["payload"])}
            for e in events]


def expected_c(events, table):
    return [{"seq": e["seq"], "sent_us": e["sent_us"], "grp": e["grp"], "lookup_value": table[e["lookup_key"]],
             "payload": encode(e["payload"])} for e in events if e["lookup_key"] in table]


def expected_b(events):
    """Per group, the updates in input order: [(n, sent_us), ...]."""
    per = collections.defaultdict(list)
    for e in events:  # events are in partition order; a group lives in one partition
        per[e["grp"]].append((len(per[e["grp"]]) + 1, e["sent_us"]))
    return per


def canon(row):
    return json.dumps(row, sort_keys=True)


# ---------------------------------------------------------------- checks
def check_rows(name, got, want):
    """got: [(key, row)] as read; want: expected rows (a multiset)."""
    bad_key = [r for k, r in got if k != str(r.get("grp"))]
    result(not bad_key, f"{name} keys", f"{len(got) - len(bad_key)}/{len(got)} records keyed by grp"
           + (f"; first bad: {bad_key[0]}" if bad_key else ""))
    g = collections.Counter(canon(r) for _, r in got)
    w = collections.Counter(canon(r) for r in want)
    missing, extra = w - g, g - w
    dups = sum(c - 1 for c in g.values() if c > 1)
    ok = not missing and not extra
    detail = f"{len(got)} rows, expected {len(want)}; missing {sum(missing.values())}, unexpected {sum(extra.values())}"
    if dups:
        detail += f" (of which {dups} duplicates)"
    if missing:
        detail += f"; first missing: {next(iter(missing))[:160]}"
    if extra:
        detail += f"; first unexpected: {next(iter(extra))[:160]}"
    result(ok, f"{name} rows", detail)


def check_b(name, got, want):
    bad_key = [r for k, r in got if k != str(r.get("grp"))]
    result(not bad_key, f"{name} keys", f"{len(got) - len(bad_key)}/{len(got)} records keyed by grp")
    seen = collections.defaultdict(list)
    for _, r in got:  # kcat keeps each partition's order; a group stays in one partition
        seen[r["grp"]].append((r["n"], r["sent_us"]))
    final_bad = [g for g in want if (seen[g][-1][0] if seen.get(g) else 0) != len(want[g])]
    final_bad += [g for g in seen if g not in want]
    result(not final_bad, f"{name} final counts",
           f"{len(want) - len(final_bad)}/{len(want)} groups end at their input count"
           + (f"; first bad group {final_bad[0]}: got {seen.get(final_bad[0])}, want {want.get(final_bad[0])}"
              if final_bad else ""))
    rising_bad = [g for g in want if [n for n, _ in seen.get(g, [])] != list(range(1, len(want[g]) + 1))]
    result(not rising_bad, f"{name} counts rise 1..n",
           f"{len(want) - len(rising_bad)}/{len(want)} groups emit 1, 2, ..., n in order"
           + (f"; first bad group {rising_bad[0]}: {[n for n, _ in seen.get(rising_bad[0], [])]}"
              if rising_bad else ""))
    sent_bad = [g for g in want if seen.get(g) != want[g]]
    result(not sent_bad, f"{name} sent_us per update",
           f"{len(want) - len(sent_bad)}/{len(want)} groups: update k carries the k-th record's sent_us"
           + (f"; first bad group {sent_bad[0]}" if sent_bad else ""))


# ---------------------------------------------------------------- one run
class Reader:
    """kcat reading a topic from the beginning; lines arrive on a queue."""

    def __init__(self, brokers, topic, isolation):
        self.p = subprocess.Popen(["kcat", "-b", brokers, "-C", "-t", topic, "-o", "beginning", "-q", "-u",
                                   "-X", f"isolation.level={isolation}", "-f", "%k\t%s\n"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.q = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.p.stdout:
            self.q.put((time.monotonic(), line))
        self.q.put((time.monotonic(), None))

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def stop_job(p):
    if p.poll() is None:
        t0 = time.monotonic()
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(30)
            log(f"the job stopped {time.monotonic() - t0:.1f} s after SIGTERM")
        except subprocess.TimeoutExpired:
            log(f"the job (pid {p.pid}) ignored SIGTERM for 30 s; killing its process group")
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def run_query(ctx, query, guarantee, want_count):
    """Runs the job until its output has want_count rows; returns ([(key, row)], startup seconds)."""
    out = f"qc-{query}-{guarantee.replace('_', '')}.out"
    run([ctx.tool("topics"), "--brokers", ctx.brokers, "create", "--partitions", "2", out], 60, what="rtm-topics")
    argv = [os.path.join(HERE, "run.sh"), "--brokers", ctx.brokers, "--in", ctx.input, "--out", out,
            "--query", query, "--guarantee", guarantee]
    if query == "C":
        argv += ["--lookup", ctx.lookup]
    if guarantee == "exactly_once":
        argv += ["--state-dir", os.path.join(ctx.work, f"state-{query}")]
    isolation = "read_committed" if guarantee == "exactly_once" else "read_uncommitted"
    reader = Reader(ctx.brokers, out, isolation)
    errlog = os.path.join(ctx.work, f"{query}-{guarantee}.log")
    launched = time.monotonic()
    with open(errlog, "w") as f:
        # Its own process group: run.sh and its java, killed together if need be.
        job = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
    rows, first, last = [], None, None
    try:
        deadline = launched + OUTPUT_TIMEOUT_S
        while True:
            now = time.monotonic()
            if len(rows) >= want_count and last is not None and now - last >= QUIET_S:
                break
            if now > deadline:
                break
            if job.poll() is not None:
                break
            try:
                t, line = reader.q.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                break
            key, _, value = line.rstrip("\n").partition("\t")
            rows.append((key, json.loads(value)))
            first = first or t
            last = t
    finally:
        exited = job.poll()
        stop_job(job)
        reader.stop()
    if exited is not None:
        with open(errlog) as f:
            tail = f.read()[-1500:]
        raise RuntimeError(f"the job exited early (code {exited}):\n{tail}")
    startup = None if first is None else first - launched
    return rows, startup


def restart_check(ctx):
    """B exactly_once, SIGKILLed mid-stream and started again on its --state-dir:
    read_committed must still see every count exactly once."""
    src, out, state = "qc-restart.in", "qc-restart.out", os.path.join(ctx.work, "state-restart")
    run([ctx.tool("topics"), "--brokers", ctx.brokers, "create", "--partitions", "2", src, out], 60,
        what="rtm-topics")
    argv = [os.path.join(HERE, "run.sh"), "--brokers", ctx.brokers, "--in", src, "--out", out,
            "--query", "B", "--guarantee", "exactly_once", "--state-dir", state]
    env = dict(os.environ, TMPDIR=ctx.work)  # a SIGKILLed run.sh cannot remove its temp dir
    reader = Reader(ctx.brokers, out, "read_committed")
    logs = [os.path.join(ctx.work, f"restart-{i}.log") for i in (1, 2)]
    rows, job, load = [], None, None

    def drain(until, reach=None, settle=None):
        """Reads rows until `reach` rows are there, or `settle` rows and QUIET_S without more."""
        last = time.monotonic()
        while time.monotonic() < until:
            if reach is not None and len(rows) >= reach:
                return
            if settle is not None and len(rows) >= settle and time.monotonic() - last >= QUIET_S:
                return
            if job.poll() is not None:
                raise RuntimeError(f"the job exited early (code {job.returncode})")
            try:
                t, line = reader.q.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError("kcat ended")
            key, _, value = line.rstrip("\n").partition("\t")
            rows.append((key, json.loads(value)))
            last = t
        raise RuntimeError(f"timed out with {len(rows)} rows")

    try:
        with open(logs[0], "w") as f:
            job = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        # 200 records at once: their committed output says the job is up.
        first = 200
        run([ctx.tool("load"), "--brokers", ctx.brokers, "--topic", src, "--rate", "0", "--count", str(first)],
            60, what="rtm-load")
        drain(time.monotonic() + OUTPUT_TIMEOUT_S, reach=first)
        # The rest over 9 s; the kill lands ~2 s in, while records still arrive.
        load = subprocess.Popen([ctx.tool("load"), "--brokers", ctx.brokers, "--topic", src, "--rate", "200",
                                 "--count", str(RECORDS - first), "--duration", "60", "--seed", "2"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        drain(time.monotonic() + 30, reach=first + 400)
        os.killpg(job.pid, signal.SIGKILL)
        job.wait()
        killed_at = len(rows)
        log(f"restart check: SIGKILL after {killed_at} committed rows (load still running: {load.poll() is None})")
        with open(logs[1], "w") as f:
            job = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        if load.wait(120) != 0:
            raise RuntimeError("rtm-load failed")
        drain(time.monotonic() + OUTPUT_TIMEOUT_S, settle=RECORDS)
    except Exception as e:  # noqa: BLE001
        result(False, "B exactly_once restart run", str(e))
        return
    finally:
        if job is not None:
            stop_job(job)
        if load is not None and load.poll() is None:
            load.kill()
            load.wait()
        reader.stop()
    with open(logs[1]) as f:
        resumed = "resuming from" in f.read()
    result(resumed, "B exactly_once restart resumes", "the second run restored a checkpoint of the first"
           if resumed else "the second run did not say 'resuming from'")
    events = read_input(ctx.brokers, src, RECORDS)
    check_b("B exactly_once restart", rows, expected_b(events))


# ---------------------------------------------------------------- main
class Context:
    pass


def read_input(brokers, topic, count):
    lines = run(["kcat", "-b", brokers, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-u",
                 "-f", "%p\t%o\t%s\n"], 60, what="kcat (input)").splitlines()
    recs = []
    for line in lines:
        p, o, v = line.split("\t", 2)
        recs.append((int(p), int(o), json.loads(v)))
    if len(recs) != count:
        raise RuntimeError(f"read {len(recs)} input records back, expected {count}")
    recs.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in recs]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("RTM_BUILD", os.path.join(REPO, "build")),
                    help="Weir's cmake build directory, for bench/rtm/rtm-load and rtm-topics")
    ap.add_argument("--queries", default="A,B,C")
    ap.add_argument("--guarantees", default="at_least_once,exactly_once")
    ap.add_argument("--restart", action="store_true",
                    help="also SIGKILL B exactly_once mid-stream and resume it from --state-dir (~40 s more)")
    ap.add_argument("--no-build", action="store_true", help="skip build.sh")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (job logs)")
    a = ap.parse_args()

    ctx = Context()
    ctx.tool = lambda t: os.path.join(a.build, "bench", "rtm", f"rtm-{t}")
    for t in ("load", "topics"):
        if not os.access(ctx.tool(t), os.X_OK):
            sys.exit(f"quick_check: {ctx.tool(t)} not found (build Weir's bench/rtm, or pass --build)")
    if not shutil.which("kcat"):
        sys.exit("quick_check: kcat not found (apt-get install kcat)")
    if not a.no_build:
        t0 = time.monotonic()
        run([os.path.join(HERE, "build.sh")], 900, what="build.sh")
        log(f"build.sh: {time.monotonic() - t0:.1f} s")

    ctx.work = tempfile.mkdtemp(prefix="rtm-flink-qc-")
    env = dict(os.environ, WEIR_KAFKA_RUN=os.path.join(ctx.work, "broker"))
    started = False
    try:
        t0 = time.monotonic()
        ctx.brokers = run([BROKER_SH, "start"], 180, env=env, what="broker.sh start").strip().splitlines()[-1]
        started = True
        log(f"broker {ctx.brokers} up in {time.monotonic() - t0:.1f} s")
        ctx.input = "qc.in"
        ctx.lookup = os.path.join(ctx.work, "lookup.csv")
        run([ctx.tool("load"), "--write-table", ctx.lookup], 30, what="rtm-load --write-table")
        run([ctx.tool("topics"), "--brokers", ctx.brokers, "create", "--partitions", "2", ctx.input], 60,
            what="rtm-topics")
        run([ctx.tool("load"), "--brokers", ctx.brokers, "--topic", ctx.input, "--rate", str(RATE),
             "--count", str(RECORDS), "--duration", "60"], 120, what="rtm-load")
        events = read_input(ctx.brokers, ctx.input, RECORDS)
        with open(ctx.lookup) as f:
            table = {int(r["lookup_key"]): int(r["lookup_value"]) for r in csv.DictReader(f)}
        want = {"A": expected_a(events), "B": expected_b(events), "C": expected_c(events, table)}
        counts = {"A": len(want["A"]), "B": len(events), "C": len(want["C"])}
        for guarantee in a.guarantees.split(","):
            for q in a.queries.split(","):
                name = f"{q} {guarantee}"
                try:
                    rows, startup = run_query(ctx, q, guarantee, counts[q])
                except Exception as e:  # noqa: BLE001 - reported as a failed check
                    result(False, f"{name} run", str(e))
                    continue
                print(f"INFO flink {name}: start-up (launch to first output record) "
                      + (f"{startup:.1f} s" if startup is not None else "n/a (no output)"), flush=True)
                if q == "B":
                    check_b(name, rows, want["B"])
                else:
                    check_rows(name, rows, want[q])
        if a.restart:
            restart_check(ctx)
    except Exception as e:  # noqa: BLE001
        result(False, "setup", str(e))
    finally:
        if started:
            try:
                run([BROKER_SH, "stop"], 60, env=env, what="broker.sh stop")
            except Exception as e:  # noqa: BLE001
                log(f"stopping the broker: {e}")
        if a.keep:
            log(f"work directory kept: {ctx.work}")
        else:
            shutil.rmtree(ctx.work, ignore_errors=True)
    if failures:
        log(f"failed: {', '.join(failures)}")
    print(f"quick_check: {len(passes)} passed, {len(failures)} failed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

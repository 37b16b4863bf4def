#!/usr/bin/env python3
"""Quick correctness check of the Kafka Streams peer (bench/peers/kstreams).

Starts a broker of its own (test/kafka/broker.sh, own run directory, free
ports), writes a deterministic input of --records records with rtm-load into
a 2-partition topic, then runs the peer (run.sh) once per case below on that
input until its output is complete, reads the output with kcat
(read_committed under exactly_once) and compares it with a Python model of
the query over the same input, read back from the topic:
  A  the output rows (and keys) are exactly the model's, each once
  B  one update per input record; per grp the counts rise 1, 2, ..., n in
     partition order, each with the sent_us of that record; the final counts
     are the model's
  C  inner join with a lookup table that lacks every third key (so the join
     must drop rows): exactly the model's rows, each once
Prints one PASS/FAIL line per check and the start-up time seen (launch to
the first output record, information only); stops all it started; exits 1
on a failure.

  bench/peers/kstreams/quick_check.py [--build DIR] [--records N] [--cases A:at_least_once:rocksdb,...]
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
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
BROKER_SH = os.path.join(REPO, "test", "kafka", "broker.sh")

# query:guarantee[:mode]. Each query under both guarantees in the default
# mode (RocksDB stores, C through a GlobalKTable), plus the other modes
# under at_least_once.
DEFAULT_CASES = ("A:at_least_once,A:exactly_once,"
                 "B:at_least_once,B:exactly_once,B:at_least_once:memory,"
                 "C:at_least_once,C:exactly_once,C:at_least_once:map")

failures = 0


def log(msg):
    print(f"quick_check: {msg}", file=sys.stderr, flush=True)


def result(ok, name, detail):
    global failures
    failures += not ok
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)


def run(argv, timeout, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} ... failed ({r.returncode}): {r.stderr.strip()[-600:]}")
    return r.stdout


def kcat_read(brokers, topic, committed):
    """Every record of topic (to its current end) as (partition, offset, key, value)."""
    argv = ["kcat", "-C", "-b", brokers, "-t", topic, "-o", "beginning", "-e", "-q",
            "-f", "%p\t%o\t%k\t%s\n"]
    if committed:
        argv += ["-X", "isolation.level=read_committed"]
    rows = []
    for line in run(argv, 60).splitlines():
        p, o, k, v = line.split("\t", 3)
        rows.append((int(p), int(o), k, v))
    return rows


# ------------------------------------------------------------------ models
def b64_1000(payload):
    return base64.b64encode(payload[:1000].encode("utf-8")).decode("ascii")


def model_a(events):
    return [(str(e["grp"]), {"seq": e["seq"], "sent_us": e["sent_us"], "grp": e["grp"],
                             "payload": b64_1000(e["payload"])}) for e in events]


def model_c(events, table):
    return [(str(e["grp"]), {"seq": e["seq"], "sent_us": e["sent_us"], "grp": e["grp"],
                             "lookup_value": table[e["lookup_key"]], "payload": b64_1000(e["payload"])})
            for e in events if e["lookup_key"] in table]


def canon(rows):
    return collections.Counter((k, json.dumps(v, sort_keys=True)) for k, v in rows)


def check_rows(name, expected, got):
    exp, out = canon(expected), canon(got)
    missing, extra = exp - out, out - exp
    ok = not missing and not extra
    detail = f"{sum(out.values())} rows, {len(expected)} expected"
    if not ok:
        detail += f"; {sum(missing.values())} missing, {sum(extra.values())} unexpected or duplicated"
        sample = next(iter(missing or extra))
        detail += f" (e.g. {sample[1][:160]})"
    result(ok, name, detail)


def check_b(name, events_in_order, got_in_order):
    """events_in_order / got_in_order: per partition, in offset order."""
    per_grp_in = collections.defaultdict(list)
    for e in events_in_order:
        per_grp_in[e["grp"]].append(e["sent_us"])
    per_grp_out = collections.defaultdict(list)
    problems = []
    for key, v in got_in_order:
        if key != str(v.get("grp")):
            problems.append(f"key {key} for grp {v.get('grp')}")
        per_grp_out[v.get("grp")].append((v.get("n"), v.get("sent_us")))
    for grp, sents in per_grp_in.items():
        want = [(i + 1, s) for i, s in enumerate(sents)]
        if per_grp_out.get(grp) != want:
            problems.append(f"grp {grp}: updates {per_grp_out.get(grp, [])[:5]}..., want {want[:5]}...")
    for grp in per_grp_out.keys() - per_grp_in.keys():
        problems.append(f"grp {grp} has no input")
    n_in, n_out = len(events_in_order), len(got_in_order)
    result(n_out == n_in, f"{name} updates", f"{n_out} updates for {n_in} input records")
    result(not problems, f"{name} counts",
           f"{len(per_grp_in)} groups, each counting 1..n with its records' sent_us in order"
           if not problems else f"{len(problems)} problems, first: {problems[0]}")
    final = {g: len(s) for g, s in per_grp_in.items()}
    got_final = {g: u[-1][0] for g, u in per_grp_out.items()}
    result(final == got_final, f"{name} final counts",
           f"{sum(final.values())} records in {len(final)} groups" if final == got_final
           else f"{sum(1 for g in final if got_final.get(g) != final[g])} groups differ")


# ------------------------------------------------------------------ one run
class Reader:
    """kcat reading the output topic live: the receive time of the first record."""

    def __init__(self, brokers, topic, committed, want):
        argv = ["kcat", "-C", "-b", brokers, "-t", topic, "-o", "beginning", "-q", "-c", str(want)]
        if committed:
            argv += ["-X", "isolation.level=read_committed"]
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.first = None
        self.count = 0
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for _ in self.p.stdout:
            if self.first is None:
                self.first = time.monotonic()
            self.count += 1

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
        self.p.wait()


def stop_process(p, grace=30):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return p.returncode


def one_case(a, brokers, work, in_topic, lookup, name, query, guarantee, mode, n_expected, startups):
    """Runs the peer on one case; returns its output as (key, JSON object) in
    partition and offset order."""
    tag = name.replace(" ", "-").replace("_", "")
    out = f"qc-{tag}.out"
    run([a.topics, "--brokers", brokers, "create", "--partitions", "2", out], 60)
    eos = guarantee == "exactly_once"
    argv = [os.path.join(HERE, "run.sh"), "--brokers", brokers, "--in", in_topic, "--out", out,
            "--query", query, "--guarantee", guarantee, "--state-dir", os.path.join(work, "state")]
    if mode:
        argv += ["--mode", mode]
    if query == "C":
        argv += ["--lookup", lookup]
    logpath = os.path.join(work, f"{tag}.log")
    reader = Reader(brokers, out, eos, n_expected)
    proc = None
    try:
        with open(logpath, "w") as logf:
            launched = time.monotonic()
            proc = subprocess.Popen(argv, stdout=logf, stderr=logf)
        deadline = launched + a.timeout
        while reader.count < n_expected and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        # A moment more so that a duplicate or an extra update would show.
        if proc.poll() is None:
            time.sleep(1)
        alive = proc.poll() is None
    finally:
        # Also on Ctrl-C or SIGTERM: leave no peer or kcat running.
        reader.stop()
        code = stop_process(proc) if proc else None
    if reader.first is not None:
        startups[name] = reader.first - launched
    with open(logpath) as f:
        tail = "".join(f.readlines()[-5:]).strip()
    ok = alive and code in (0, 143) and reader.count >= n_expected
    result(ok, f"{name} run",
           f"{reader.count} records read within {a.timeout:.0f} s, exit {code} on SIGTERM"
           if ok else f"{reader.count}/{n_expected} records, alive={alive}, exit {code}: {tail[-500:]}")
    rows = sorted(kcat_read(brokers, out, eos), key=lambda r: (r[0], r[1]))
    run([a.topics, "--brokers", brokers, "delete", out], 60)
    try:
        return [(k, json.loads(v)) for _, _, k, v in rows]
    except ValueError as e:
        result(False, f"{name} output", f"not JSON: {e}")
        return []


# ------------------------------------------------------------------ main
def unwind_on_sigterm(signum, frame):
    """SIGTERM unwinds like Ctrl-C: the finally block stops the broker."""
    raise KeyboardInterrupt()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(REPO, "build"),
                   help="cmake build directory with bench/rtm/rtm-load and rtm-topics")
    p.add_argument("--records", type=int, default=2000)
    p.add_argument("--rate", type=int, default=2000, help="rtm-load records/s")
    p.add_argument("--cases", default=DEFAULT_CASES, help="query:guarantee:mode, comma-separated")
    p.add_argument("--timeout", type=float, default=60, help="seconds per case for the output")
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    a = p.parse_args()
    a.load = os.path.join(a.build, "bench", "rtm", "rtm-load")
    a.topics = os.path.join(a.build, "bench", "rtm", "rtm-topics")
    for exe in (a.load, a.topics):
        if not os.access(exe, os.X_OK):
            sys.exit(f"quick_check: {exe} missing (--build DIR: a build with rtm-load and rtm-topics)")
    for tool in ("kcat", "java", "mvn"):
        if not shutil.which(tool):
            sys.exit(f"quick_check: {tool} not found")
    started = time.monotonic()
    run([os.path.join(HERE, "build.sh")], 600)
    log(f"built in {time.monotonic() - started:.1f} s")

    work = tempfile.mkdtemp(prefix="rtm-kstreams-check.")
    env = dict(os.environ, WEIR_KAFKA_RUN=os.path.join(work, "broker"))
    signal.signal(signal.SIGTERM, unwind_on_sigterm)
    try:
        t = time.monotonic()
        brokers = run([BROKER_SH, "start"], 240, env=env).strip().splitlines()[-1]
        log(f"broker {brokers} up in {time.monotonic() - t:.1f} s")
        in_topic = "qc.in"
        run([a.topics, "--brokers", brokers, "create", "--partitions", "2", in_topic], 60)
        load = json.loads(run([a.load, "--brokers", brokers, "--topic", in_topic, "--rate", str(a.rate),
                               "--count", str(a.records)], 120).strip().splitlines()[-1])
        result(load["delivered"] == a.records, "input", f"rtm-load delivered {load['delivered']} records")
        # The input as the broker holds it, in partition and offset order.
        inputs = sorted(kcat_read(brokers, in_topic, False), key=lambda r: (r[0], r[1]))
        events = [json.loads(v) for _, _, _, v in inputs]
        keyed = all(k == str(e["grp"]) for (_, _, k, _), e in zip(inputs, events))
        result(keyed and len(events) == a.records, "input keys",
               f"{len(events)} records read back, each keyed by its grp: {keyed}")

        # Query C's table: rtm-load's, less every third key, so that the
        # inner join has rows to drop.
        full = os.path.join(work, "lookup-full.csv")
        run([a.load, "--write-table", full], 30)
        table = {}
        with open(full) as f:
            header = f.readline().strip()
            assert header == "lookup_key,lookup_value", header
            for line in f:
                k, v = line.strip().split(",")
                if int(k) % 3:
                    table[int(k)] = int(v)
        lookup = os.path.join(work, "lookup.csv")
        with open(lookup, "w") as f:
            f.write("lookup_key,lookup_value\n")
            f.writelines(f"{k},{v}\n" for k, v in table.items())

        expected = {"A": model_a(events), "C": model_c(events, table)}
        startups = {}
        for case in a.cases.split(","):
            query, guarantee, mode = (case.split(":") + [""])[:3]
            name = f"{query} {guarantee}" + (f" {mode}" if mode else "")
            n_expected = len(events) if query in ("A", "B") else len(expected["C"])
            log(f"case {name} ({time.monotonic() - started:.0f} s in)")
            got = one_case(a, brokers, work, in_topic, lookup, name, query, guarantee, mode,
                           n_expected, startups)
            if query == "B":
                check_b(name, events, got)
            else:
                check_rows(f"{name} rows", expected[query], got)
        for name, s in startups.items():
            print(f"info: start-up (launch to first output record) {name}: {s:.1f} s", flush=True)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        result(False, "harness", str(e))
    except KeyboardInterrupt:
        result(False, "harness", "interrupted")
    finally:
        subprocess.run([BROKER_SH, "stop"], env=env, capture_output=True, timeout=90)
        if a.keep:
            log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"quick_check: {failures} failed, total {time.monotonic() - started:.0f} s", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

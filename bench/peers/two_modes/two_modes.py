#!/usr/bin/env python3
"""One file, two modes (issue 11): the same logic first run as a batch over an hour of data
already in Kafka, then kept running in real time for new records, by Weir and by Spark.

  Weir   two_modes.weir, built once (`weir build`); that one binary runs with
         --trigger available_now, then --trigger realtime, with the same --checkpoint DIR
  Spark  bench/peers/spark's query C (the same logic), --mode availablenow
         (Trigger.AvailableNow()), then --mode rtm (Trigger.RealTime), with the same
         checkpoint location (--state-dir)
Both realtime runs resume from the checkpoint their batch run left: they see only the new
records (checked: their output holds exactly the model's rows over the new records).

Procedure, on a Kafka broker of its own (test/kafka/broker.sh, 2 partitions per topic):
  1. Writes "an hour of data" (model.py: records whose times span 3,600 s, ending now) to a
     file and produces it with kcat into one input topic per system (the same records twice,
     so that one system's new records are not the other's backlog).
  2. Per system: the batch run over its topic, timed from launch to the end (Weir: the
     process exits; Spark: the query terminated, as the peer reports it); its output read
     back with kcat and compared with the model (model.py, computed from the generated text).
  3. Per system: the realtime run from the checkpoint; once it is up (Spark: "query started"
     on stderr; Weir: at launch) and --settle seconds more, rtm-load produces --rt-records
     new records at --rt-rate records/s while rtm-measure reads the output (latency = receive
     time - the record's send time). The new records are read back from the input (from the
     offsets where the batch ended) for the model.
  4. Weir's outputs against Spark's: the batch outputs equal row for row; the realtime
     outputs equal apart from sent_us (each system had its own run of rtm-load, same seed,
     so the same records sent at different times).
Prints markdown tables and writes them to --out (two_modes.md, two_modes.json).

  bench/peers/two_modes/two_modes.py              360,000 records over the hour, 100,000 new
  QUICK=1 bench/peers/two_modes/two_modes.py      3,600 over the hour, 2,000 new (or --quick)
  two_modes.py --records 3600000                   1,000 records/s of event time (~4.3 GB)
Needs: Weir's build (bin/weir, bench/rtm/rtm-load, rtm-measure, rtm-topics: --build), the
Spark peer built (bench/peers/spark/build.sh), kcat, Java 17 and the Kafka jars (broker.sh fetch).
Exit status 1 when a result differs or a step fails.
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(REPO, "bench", "rtm"))
sys.path.insert(0, HERE)
import model  # noqa: E402
import procs  # noqa: E402
import tables  # noqa: E402

WEIR_FILE = os.path.join(HERE, "two_modes.weir")
SPARK_DIR = os.path.join(REPO, "bench", "peers", "spark")
BROKER_SH = os.path.join(REPO, "test", "kafka", "broker.sh")
SYSTEMS = ("weir", "spark")


def log(msg):
    print(f"two-modes: {msg}", file=sys.stderr, flush=True)


def default_build():
    """The repo's build/, else the main checkout's (helpers' worktrees share it)."""
    for b in (os.path.join(REPO, "build"), "/work/main/build"):
        if os.path.exists(os.path.join(b, "bench", "rtm", "rtm-load")):
            return b
    return os.path.join(REPO, "build")


def watch(p, path, patterns, timeout):
    """Polls `path` (a process's stderr) every 50 ms until p exits or `timeout` s pass, or
    every pattern has matched; returns {pattern: (seconds since the call, match)}."""
    t0 = time.monotonic()
    seen = {}
    while time.monotonic() - t0 < timeout:
        alive = p.poll() is None
        with open(path, errors="replace") as f:
            text = f.read()
        for pat in patterns:
            if pat not in seen:
                m = re.search(pat, text)
                if m:
                    seen[pat] = (time.monotonic() - t0, m)
        if len(seen) == len(patterns) or not alive:
            return seen
        time.sleep(0.05)
    return seen


def tail(path, n=8):
    with open(path, errors="replace") as f:
        lines = [ln for ln in f.read().splitlines() if ln.strip() and not ln.startswith(("\t", " "))]
    return " | ".join(lines[-n:])


class Bench:
    def __init__(self, a, brokers, work):
        self.a = a
        self.brokers = brokers
        self.work = work
        tools = os.path.join(a.build, "bench", "rtm")
        self.tool = {t: os.path.join(tools, f"rtm-{t}") for t in ("load", "measure", "topics")}
        self.lookup = os.path.join(work, "lookup.csv")
        procs.run([self.tool["load"], "--write-table", self.lookup], 30, "writing the lookup table")
        self.table = model.read_table(self.lookup)
        self.batch, self.realtime = [], []
        self.outputs = {}  # (system, "batch"|"realtime") -> model.Rows
        self.info = {}

    # ------------------------------------------------------------ Kafka helpers
    def create_topics(self, *names):
        procs.run([self.tool["topics"], "--brokers", self.brokers, "create", "--partitions",
                   str(self.a.partitions)] + list(names), 60, "rtm-topics create")

    def end_offsets(self, topic):
        argv = ["kcat", "-b", self.brokers, "-Q"]
        for p in range(self.a.partitions):
            argv += ["-t", f"{topic}:{p}:-1"]  # timestamp -1: the end offset
        out = procs.run(argv, 60, f"kcat -Q {topic}")
        offs = {int(p): int(o) for p, o in re.findall(r"\[(\d+)\] offset (-?\d+)", out)}
        if len(offs) != self.a.partitions:
            raise procs.Failed(f"kcat -Q {topic}: unexpected answer {out.strip()!r}")
        return offs

    def read(self, topic, each, from_offsets=None):
        """Calls each(key, value) for every record of topic (from the start, or per partition from
        from_offsets), streaming kcat's output; returns the count."""
        parts = [(None, "beginning")] if from_offsets is None else sorted(from_offsets.items())
        n = 0
        for p, off in parts:
            argv = ["kcat", "-b", self.brokers, "-C", "-t", topic, "-o", str(off), "-e", "-q",
                    "-f", "%k\t%s\n"] + ([] if p is None else ["-p", str(p)])
            k = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for line in k.stdout:
                key, _, value = line.rstrip("\n").partition("\t")
                each(key, value)
                n += 1
            if k.wait() != 0:
                raise procs.Failed(f"kcat reading {topic}: {k.stderr.read().strip()[-400:]}")
        return n

    def output_rows(self, topic, drop=()):
        rows = model.Rows(drop)
        self.read(topic, rows.add_json)
        return rows

    def warm_broker(self):
        """A fresh broker creates its transaction-state and consumer-offsets topics on first use,
        which stalls the first idempotent producer and the first consumer group by a second or
        so. Both are touched here, untimed, so that neither system pays for it in its batch run."""
        self.create_topics("warm-up")
        procs.run([self.tool["load"], "--brokers", self.brokers, "--topic", "warm-up", "--rate", "0", "--count", "10",
                   "-X", "enable.idempotence=true", "-X", "acks=all"], 60, "warming the broker (producer id)")
        procs.run(["kcat", "-b", self.brokers, "-G", "two-modes-warm-up", "-e", "-q", "warm-up"], 60,
                  "warming the broker (consumer group)")

    # ------------------------------------------------------------ the hour of data
    def fill(self):
        """Writes the hour to a file while computing the model's rows, then produces the file
        into each system's input topic."""
        a = self.a
        path = os.path.join(self.work, "hour.tsv")
        end_us = int(time.time() * 1e6)
        want = model.Rows()
        t0 = time.monotonic()
        with open(path, "w") as f:
            for key, value in model.hour_records(a.records, end_us, a.span):
                f.write(f"{key}\t{value}\n")
                row = model.expected_row(json.loads(value), self.table)
                if row is not None:
                    want.add(key, row)
        log(f"generated {a.records:,} records over {a.span} s of event time, {os.path.getsize(path) / 1e6:,.0f} MB "
            f"({time.monotonic() - t0:.1f} s with the model: {len(want):,} rows expected)")
        self.want_batch = want
        self.hour_end = {}
        for system in a.systems:
            topic = f"in-{system}"
            t0 = time.monotonic()
            procs.run(["kcat", "-b", self.brokers, "-P", "-t", topic, "-K", "\t", "-l", path,
                       "-X", "linger.ms=5", "-X", "queue.buffering.max.messages=1000000"],
                      max(120, a.records / 2000), f"kcat producing the hour into {topic}")
            secs = time.monotonic() - t0
            self.hour_end[system] = self.end_offsets(topic)
            held = sum(self.hour_end[system].values())
            log(f"{topic}: {held:,} records produced in {secs:.1f} s ({a.records / secs:,.0f} records/s)")
            if held != a.records:
                raise procs.Failed(f"{topic} holds {held} records, not {a.records}")
        os.remove(path)

    # ------------------------------------------------------------ the systems
    def weir_argv(self, trigger, out):
        return [self.weir_bin, "--kafka-brokers", self.brokers, "--trigger", trigger,
                "--guarantee", "at_least_once", "--group-id", "two-modes-weir",
                "--checkpoint", os.path.join(self.work, "weir.ckpt"),
                "--source", "events=kafka:in-weir", "--source", f"lookup={self.lookup}",
                "--sink", f"enriched=kafka:{out}?key=grp"]

    def spark_argv(self, mode, out):
        return [os.path.join(SPARK_DIR, "run.sh"), "--brokers", self.brokers, "--in", "in-spark",
                "--out", out, "--query", "C", "--lookup", self.lookup, "--guarantee", "at_least_once",
                "--state-dir", os.path.join(self.work, "spark-state"), "--mode", mode]

    def build_weir(self):
        self.weir_bin = os.path.join(self.work, "two_modes")
        t0 = time.monotonic()
        procs.run([self.a.weir, "build", WEIR_FILE, "-o", self.weir_bin], 600, "weir build two_modes.weir")
        with open(self.weir_bin, "rb") as f:
            self.info["weir_binary_sha256"] = hashlib.sha256(f.read()).hexdigest()[:16]
        log(f"weir build two_modes.weir: {time.monotonic() - t0:.1f} s (one binary for both triggers, "
            f"sha256 {self.info['weir_binary_sha256']}...)")

    def run_batch(self, system):
        out = f"out-{system}-batch"
        err = os.path.join(self.work, f"{system}-batch.log")
        if system == "weir":
            argv, trigger = self.weir_argv("available_now", out), "`--trigger available_now`"
        else:
            argv, trigger = self.spark_argv("availablenow", out), "`AvailableNow()`"
        log(f"{system} batch over the hour: {' '.join(argv)}")
        t0 = time.monotonic()
        p = procs.start(argv, f"{system} batch", stdout=subprocess.DEVNULL, stderr=err, cwd=self.work)
        startup = None
        if system == "weir":
            try:
                p.wait(timeout=self.a.batch_timeout)
            except subprocess.TimeoutExpired:
                procs.stop(p, 5)
                raise procs.Failed(f"weir batch did not finish within {self.a.batch_timeout} s")
            wall = time.monotonic() - t0
            m = re.search(r"finished in ([\d.]+) s", open(err).read())
            startup = wall - float(m.group(1)) if m else None
        else:
            seen = watch(p, err, [r"spark-peer: query C started", r"spark-peer: query C terminated"],
                         self.a.batch_timeout)
            if len(seen) < 2:
                procs.stop(p, 30)
                raise procs.Failed(f"spark batch: no end within {self.a.batch_timeout} s "
                                   f"(exit {p.returncode}): {tail(err)}")
            startup, wall = seen[r"spark-peer: query C started"][0], seen[r"spark-peer: query C terminated"][0]
            try:
                p.wait(timeout=120)
            except subprocess.TimeoutExpired:
                procs.stop(p, 10)
            self.info["spark_batch_exit_s"] = round(time.monotonic() - t0, 2)
        if p.returncode != 0:
            raise procs.Failed(f"{system} batch exited {p.returncode}: {tail(err)}")
        got = self.output_rows(out)
        self.outputs[(system, "batch")] = got
        eq = model.compare(got, self.want_batch)
        log(f"{system} batch: {wall:.2f} s, output {'equals' if eq[0] else 'DIFFERS from'} the model: {eq[1]}")
        self.batch.append({"system": "Weir" if system == "weir" else "Spark", "trigger": trigger,
                           "records": self.a.records, "wall_s": wall, "startup_s": startup, "equal": eq})

    def run_realtime(self, system):
        a = self.a
        out = f"out-{system}-rt"
        err = os.path.join(self.work, f"{system}-realtime.log")
        if system == "weir":
            argv, trigger = self.weir_argv("realtime", out), "`--trigger realtime`"
        else:
            argv, trigger = self.spark_argv("rtm", out), "`RealTime(\"5 minutes\")`"
        log(f"{system} realtime from the checkpoint: {' '.join(argv)}")
        load_s = a.rt_records / a.rt_rate
        # rtm-measure starts with the system, so that it is connected and polling long before the
        # first new record (it measures receive time: its own start-up must not count).
        measure_timeout = a.startup_timeout + a.settle + load_s + a.idle + a.drain_timeout
        measure = procs.start([self.tool["measure"], "--brokers", self.brokers, "--topic", out, "--duration", "0",
                               "--idle", str(a.idle), "--timeout", str(measure_timeout)],
                              f"{system} rtm-measure", stderr=os.path.join(self.work, f"{system}-measure.log"))
        t0 = time.monotonic()
        p = procs.start(argv, f"{system} realtime", stdout=subprocess.DEVNULL, stderr=err, cwd=self.work)
        if system == "spark":
            seen = watch(p, err, [r"spark-peer: query C started"], a.startup_timeout)
            if not seen:
                procs.stop(p, 30)
                raise procs.Failed(f"spark realtime did not start within {a.startup_timeout} s "
                                   f"(exit {p.returncode}): {tail(err)}")
        log(f"{system} realtime up after {time.monotonic() - t0:.1f} s; {a.settle} s to settle, then "
            f"{a.rt_records:,} new records at {a.rt_rate:,} records/s")
        time.sleep(a.settle)
        if p.poll() is not None:
            raise procs.Failed(f"{system} realtime exited {p.returncode}: {tail(err)}")
        start = self.end_offsets(f"in-{system}")
        if start != self.hour_end[system]:
            raise procs.Failed(f"in-{system} changed before the new records: {start} != {self.hour_end[system]}")
        load = json.loads(procs.run([self.tool["load"], "--brokers", self.brokers, "--topic", f"in-{system}",
                                     "--rate", str(a.rt_rate), "--count", str(a.rt_records),
                                     "--duration", str(load_s + 60), "--seed", "7"],
                                    load_s + 120, "rtm-load (new records)").strip().splitlines()[-1])
        meas = json.loads(procs.wait(measure, measure_timeout + 30, "rtm-measure"))
        rc = procs.stop(p, 60)
        if rc not in (0, 143, -15):
            log(f"{system} realtime exited {rc} when stopped: {tail(err, 3)}")

        # The model over the new records, read back from the input where the batch ended.
        new = []
        self.read(f"in-{system}", lambda k, v: new.append((k, v)), from_offsets=start)
        sent = [json.loads(v)["sent_us"] for _, v in new]
        want = model.expected_rows(new, self.table)
        got = self.output_rows(out)
        eq = model.compare(got, want)
        if len(new) != a.rt_records:
            eq = (False, eq[1] + f"; {len(new)} new input records, not {a.rt_records}")
        # Apart from sent_us (each system had its own rtm-load run), for the comparison with the other.
        got_nosent = model.Rows(("sent_us",))
        self.read(out, got_nosent.add_json)
        self.outputs[(system, "realtime")] = got_nosent
        last_out = meas.get("last_receive_us") if meas.get("received") else None
        res = {"system": "Weir" if system == "weir" else "Spark", "trigger": trigger, "records": a.rt_records,
               "wall_s": (last_out - min(sent)) / 1e6 if last_out and sent else None,
               "drain_ms": (last_out - max(sent)) / 1e3 if last_out and sent else None,
               "p50_ms": meas.get("p50_ms"), "p99_ms": meas.get("p99_ms"), "max_ms": meas.get("max_ms"),
               "equal": eq, "load": {k: load.get(k) for k in ("rate", "max_behind_ms", "seconds")},
               "measure_count": meas.get("count"), "duplicates": meas.get("duplicates")}
        log(f"{system} realtime: p50 {res['p50_ms']} ms, p99 {res['p99_ms']} ms, last record -> output "
            f"{res['drain_ms']} ms; output {'equals' if eq[0] else 'DIFFERS from'} the model: {eq[1]}")
        self.realtime.append(res)

    # ------------------------------------------------------------ the report
    def cross(self):
        pairs = []
        for phase, what in (("batch", "batch output (the hour)"),
                            ("realtime", "realtime output (the new records), sent_us aside")):
            w, s = self.outputs.get(("weir", phase)), self.outputs.get(("spark", phase))
            if w is not None and s is not None:
                ok, detail = model.compare(s, w)
                pairs.append((what, (ok, f"{len(w):,} rows each" if ok else detail)))
        return pairs


def versions():
    def first_line(argv):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
            return (r.stdout + r.stderr).strip().splitlines()[0]
        except (OSError, subprocess.TimeoutExpired, IndexError):
            return "?"
    commit = first_line(["git", "-C", REPO, "rev-parse", "--short", "HEAD"])
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"weir_commit": commit, "java": first_line(["java", "-version"]), "cpu": cpu,
            "cores": os.cpu_count(), "spark": "4.2.0 (bench/peers/spark/pom.xml)",
            "kafka_broker": "4.4.0 (test/kafka/broker.sh)"}


def markdown(b, a, ver, load_before, load_after, total_s):
    per_s = a.records / a.span
    lines = [
        "## One file, two modes: Weir and Spark, batch over an hour of data, then realtime",
        "",
        f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {ver['cores']} cores ({ver['cpu']}), "
        f"load average {load_before} before, {load_after} after; the whole comparison took {total_s:.0f} s. "
        f"Weir {ver['weir_commit']} (two_modes.weir built once, the same binary under both triggers), Spark "
        f"{ver['spark']} local[2], {ver['java']}, Kafka {ver['kafka_broker']}, one broker, "
        f"{a.partitions} partitions per topic, at-least-once for both (Spark's Kafka sink offers nothing "
        "else; Weir with `--guarantee at_least_once`).",
        "",
        f"The logic: bench/rtm's query C (join with a 10,000-row table, then base64 of the payload's first "
        f"1,000 characters). The hour: {a.records:,} records of ~1.2 KB whose times span {a.span:,} s "
        f"({per_s:,.0f} per second of event time), about 9% without a table row (dropped by the "
        f"inner join). Batch: Weir `--trigger available_now` (launch to exit), Spark `Trigger.AvailableNow()` "
        f"(launch to the query's termination; start-up = launch to `query started`; Weir's = wall time "
        f"less its own run time). Realtime: each system restarted on its batch run's checkpoint (Weir "
        f"`--checkpoint`, Spark `checkpointLocation`), so it reads only the new records; after it is up and "
        f"{a.settle} s more, {a.rt_records:,} new records at {a.rt_rate:,} records/s (rtm-load), latency = "
        f"receive time (rtm-measure) - send time, over every new record (no warm-up excluded).",
        "",
        tables.batch_table(b.batch),
        "",
        tables.realtime_table(b.realtime),
        "",
        tables.cross_table(b.cross()),
        "",
    ]
    return "\n".join(lines)


def main():
    quick_env = os.environ.get("QUICK", "0") == "1"
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", default=quick_env,
                    help="the small mode (also QUICK=1): 3,600 records over the hour, 2,000 new")
    ap.add_argument("--records", type=int, help="records in the hour (default 360,000; quick 3,600)")
    ap.add_argument("--span", type=int, default=3600, help="seconds of event time the records span")
    ap.add_argument("--rt-records", type=int, help="new records for the realtime run (default 100,000; quick 2,000)")
    ap.add_argument("--rt-rate", type=int, default=10000, help="records/s of the new records")
    ap.add_argument("--settle", type=float, help="seconds between a realtime run being up and the new records "
                    "(default 20; quick 5)")
    ap.add_argument("--idle", type=float, default=10, help="rtm-measure stops after this long without output")
    ap.add_argument("--drain-timeout", type=float, default=300, help="seconds allowed after the load for the output")
    ap.add_argument("--batch-timeout", type=float, default=1800)
    ap.add_argument("--startup-timeout", type=float, default=300)
    ap.add_argument("--partitions", type=int, default=2)
    ap.add_argument("--systems", default=",".join(SYSTEMS), help="weir,spark or one of them")
    ap.add_argument("--build", default=default_build(), help="Weir's build directory")
    ap.add_argument("--weir", help="the weir compiler (default BUILD/bin/weir)")
    ap.add_argument("--out", default=os.path.join(REPO, "bench", "results", "peers"))
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs, checkpoints)")
    a = ap.parse_args()
    a.records = a.records or (3600 if a.quick else 360_000)
    a.rt_records = a.rt_records or (2000 if a.quick else 100_000)
    a.settle = a.settle if a.settle is not None else (5 if a.quick else 20)
    a.weir = a.weir or os.path.join(a.build, "bin", "weir")
    a.systems = [s for s in a.systems.split(",") if s]
    if not set(a.systems) <= set(SYSTEMS):
        ap.error(f"--systems: {a.systems} (weir, spark)")
    need = [a.weir] + [os.path.join(a.build, "bench", "rtm", f"rtm-{t}") for t in ("load", "measure", "topics")]
    if "spark" in a.systems:
        need.append(os.path.join(SPARK_DIR, "target", "classpath.txt"))
    missing = [n for n in need if not os.path.exists(n)]
    if missing or not shutil.which("kcat"):
        log(f"missing: {', '.join(missing) or 'kcat'} (build Weir's tools; bench/peers/spark/build.sh)")
        return 2

    t_begin = time.monotonic()
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    work = tempfile.mkdtemp(prefix="two-modes-")
    env_run = os.path.join(work, "broker")
    env = dict(os.environ, WEIR_KAFKA_RUN=env_run)
    broker = False
    status = 0
    try:
        r = subprocess.run([BROKER_SH, "start"], capture_output=True, text=True, timeout=180, env=env)
        if r.returncode != 0:
            raise procs.Failed(f"broker.sh start: {r.stderr.strip()[-600:]}")
        broker = True
        brokers = r.stdout.strip().splitlines()[-1]
        log(f"broker {brokers} (run dir {env_run}); work dir {work}")
        b = Bench(a, brokers, work)
        b.create_topics(*[t for s in a.systems for t in (f"in-{s}", f"out-{s}-batch", f"out-{s}-rt")])
        b.warm_broker()
        if "weir" in a.systems:
            b.build_weir()
        b.fill()
        for system in a.systems:
            b.run_batch(system)
            b.run_realtime(system)
        load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
        md = markdown(b, a, versions(), load_before, load_after, time.monotonic() - t_begin)
        print(md)
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "two_modes.md"), "w") as f:
            f.write(md)
        with open(os.path.join(a.out, "two_modes.json"), "w") as f:
            json.dump({"settings": {k: v for k, v in vars(a).items()}, "info": b.info,
                       "batch": b.batch, "realtime": b.realtime,
                       "cross": [(w, list(eq)) for w, eq in b.cross()]}, f, indent=1, default=str)
        log(f"wrote {os.path.join(a.out, 'two_modes.md')} ({time.monotonic() - t_begin:.0f} s in all)")
        ok = all(r["equal"][0] for r in b.batch + b.realtime) and all(eq[0] for _, eq in b.cross())
        status = 0 if ok else 1
    except procs.Failed as e:
        log(f"FAILED: {e}")
        status = 1
    except KeyboardInterrupt:
        status = 130
    finally:
        procs.stop_all()
        if broker:
            subprocess.run([BROKER_SH, "stop"], capture_output=True, timeout=120, env=env)
        if a.keep or status:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())

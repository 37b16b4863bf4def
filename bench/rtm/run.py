#!/usr/bin/env python3
"""The real-time latency benchmark (issue 8): Kafka in -> Kafka out.

Starts its own broker (test/kafka/broker.sh, on free ports, stopped on exit),
then for each rate and guarantee measures, on fresh topics, side by side:
  direct   rtm-load -> topic -> rtm-measure (the broker alone)
  relay    rtm-load -> rtm-relay -> rtm-measure (the floor: a bare librdkafka
           consume -> produce loop with the client settings Weir uses)
  A, B, C  rtm-load -> the Weir pipeline (query_a/b/c.weir, --trigger realtime)
           -> rtm-measure
at_least_once (read_uncommitted) and exactly_once (transactions committed every
--commit-interval, read_committed: reported separately). Then records/s at
saturation (realtime, over a pre-filled topic) and the end-to-end throughput of
--trigger available_now over that topic against reading it alone with kcat.

Start-up (issue 11): per round, the time from launching query A (Weir's
built binary, `weir run` JIT-compiling at launch, each peer's A) to the first
output record, with rtm-load already sending at --startup-rate. Every latency
run also samples the processor's resident memory (its whole process tree,
every 0.5 s, over the measured part) into the row's "rss".

Writes report.json, report.md and the latency plots (plots.py:
latency-RATE-GUARANTEE.svg) into --out and prints the markdown.
  bench/rtm/run.py                        the full run (~20 min)
  bench/rtm/run.py --quick                a smoke run (~2 min)
  bench/rtm/run.py --systems direct,relay the harness without Weir
"""
import argparse
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import statistics
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import procs  # noqa: E402
import report  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
QUERIES = {"A": "query_a", "B": "query_b", "C": "query_c"}
# The peers (issue 11, bench/peers/): a system "PEER.Q" runs query Q in that
# engine, launched by bench/peers/DIR/run.sh (built by its build.sh) with the
# same arguments for all: --brokers --in --out --query --guarantee [--lookup]
# --state-dir, plus its own; it is ready when its stderr matches `ready`.
# Spark runs twice: Real-Time Mode (A and C; B is refused: open-source 4.2
# has no stateful RTM) and micro-batches (ProcessingTime(0)).
PEERS = {
    "kstreams": {"dir": "kstreams", "ready": r"rtm-kstreams: RUNNING", "args": []},
    "flink": {"dir": "flink", "ready": r"rtm-flink: job \S+ RUNNING", "args": []},
    "spark-rtm": {"dir": "spark", "ready": r"spark-peer: query \w started", "args": ["--mode", "rtm"]},
    "spark-mb": {"dir": "spark", "ready": r"spark-peer: query \w started", "args": ["--mode", "microbatch"]},
}
# Start-up rows (launch to first output record, query A): Weir's built binary
# is "A" as in the latency rows; `weir run` (JIT-compiling at launch) is:
WEIR_JIT = "weir-jit.A"


def peer_of(system):
    """("kstreams", "A") for "kstreams.A"; None for Weir's own systems."""
    peer, _, q = system.partition(".")
    return (peer, q) if peer in PEERS and q in QUERIES else None


def query_of(system):
    """The query a system runs (A, B, C), or None (direct, relay)."""
    p = peer_of(system)
    return p[1] if p else system if system in QUERIES else None


def log(msg):
    print(f"rtm: {msg}", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args, brokers, work):
        self.a = args
        self.brokers = brokers
        self.work = work
        tools = os.path.join(args.build, "bench", "rtm")
        self.tool = {t: os.path.join(tools, f"rtm-{t}") for t in ("load", "measure", "relay", "topics")}
        self.weir_bins = {}
        self.weir_unavailable = None
        self.counter = 0
        self.startup = {}  # peer system -> seconds from launch to ready (its first run)
        self.lookup = os.path.join(work, "lookup.csv")
        procs.run([self.tool["load"], "--write-table", self.lookup], 30, "writing the lookup table")

    # ------------------------------------------------------------ helpers
    def tag(self, *parts):
        self.counter += 1
        return "-".join(str(p) for p in parts + (self.counter,)).replace("_", "")

    def topics(self, verb, *names):
        argv = [self.tool["topics"], "--brokers", self.brokers, verb]
        if verb == "create":
            argv += ["--partitions", str(self.a.partitions)]
        procs.run(argv + list(names), 60, f"rtm-topics {verb}")

    def logfile(self, tag, what):
        return os.path.join(self.work, f"{tag}.{what}.log")

    def build_weir(self):
        """weir build each query once (no JIT time inside the measurements)."""
        for q, name in QUERIES.items():
            if q not in self.a.systems:
                continue
            exe = os.path.join(self.work, name)
            try:
                procs.run([self.a.weir, "build", os.path.join(HERE, name + ".weir"), "-o", exe], 600,
                          f"weir build {name}.weir")
                self.weir_bins[q] = exe
            except procs.Failed as e:
                self.weir_unavailable = str(e)
                log(f"Weir rows skipped: {e}")
                return

    def probe_weir_kafka(self):
        """A Weir without the Kafka connector: its rows are skipped, not failed."""
        if not self.weir_bins:
            return
        exe = next(iter(self.weir_bins.values()))
        r = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
        if "--kafka-brokers" not in r.stdout + r.stderr:
            self.weir_unavailable = "this Weir has no Kafka connector (no --kafka-brokers option)"
            log(f"Weir rows skipped: {self.weir_unavailable}")

    def weir_argv(self, q, guarantee, trigger, src, dst, tag):
        name = QUERIES[q]
        argv = [self.weir_bins[q], "--kafka-brokers", self.brokers, "--trigger", trigger,
                "--guarantee", guarantee, "--group-id", f"rtm-{tag}",
                "--source", f"events=kafka:{src}", "--sink", f"{name}=kafka:{dst}?key=grp", "--quiet"]
        if q == "C":
            argv += ["--source", f"lookup={self.lookup}"]
        if guarantee == "exactly_once":
            argv += ["--checkpoint", os.path.join(self.work, f"{tag}.ckpt"),
                     "--commit-interval", self.a.commit_interval]
        return argv + self.a.weir_arg

    def start_processor(self, system, guarantee, trigger, src, dst, tag):
        """Starts the relay or a Weir pipeline from src to dst; returns it once it is ready."""
        err = self.logfile(tag, "stderr")
        peer = peer_of(system)
        if peer:
            argv = self.peer_argv(peer, guarantee, src, dst, tag)
        elif system == "relay":
            argv = [self.tool["relay"], "--brokers", self.brokers, "--in", src, "--out", dst,
                    "--group-id", f"rtm-{tag}"]
            if guarantee == "exactly_once":
                argv += ["--transactional-id", f"rtm-{tag}",
                         "--commit-interval-ms", str(report.duration_ms(self.a.commit_interval))]
            argv += self.a.relay_arg
        else:
            argv = self.weir_argv(system, guarantee, trigger, src, dst, tag)
        with open(err, "w") as f:
            # The relay's summary comes on stdout; Weir's stdout goes to its log.
            out = subprocess.PIPE if system == "relay" else f
            p = procs.start(argv, system, stdout=out, stderr=f, cwd=self.work)
        if system == "relay":
            ready = procs.wait_for_line(err, "assigned", 60, lambda: p.poll() is None)
        elif peer:
            started = time.monotonic()
            ready = wait_for_match(err, PEERS[peer[0]]["ready"], self.a.peer_startup, lambda: p.poll() is None)
            self.startup.setdefault(system, time.monotonic() - started)
        else:
            # Weir says nothing when it is ready: give it the start-up time,
            # the warm-up absorbs the rest (it reads the topic from the start).
            deadline = time.monotonic() + self.a.weir_startup
            while p.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            ready = p.poll() is None
        if not ready:
            procs.stop(p, grace=5)
            why = f"{system} did not start (exit {p.returncode}): {procs.tail(err, 8)}"
            if system != "relay" and not peer and self.weir_unavailable is None:
                self.weir_unavailable = why
            raise procs.Failed(why)
        return p

    def peer_argv(self, peer, guarantee, src, dst, tag):
        name, q = peer
        argv = [os.path.join(HERE, "..", "peers", PEERS[name]["dir"], "run.sh"), "--brokers", self.brokers,
                "--in", src, "--out", dst, "--query", q, "--guarantee", guarantee,
                "--state-dir", os.path.join(self.work, f"{tag}.state")]
        if q == "C":
            argv += ["--lookup", self.lookup]
        return argv + PEERS[name]["args"]

    def supervise(self, p, processor, timeout, what):
        """Waits for p while checking that the processor keeps running."""
        deadline = time.monotonic() + timeout
        while p.poll() is None:
            if processor is not None and processor.poll() is not None:
                procs.stop(p, grace=5)
                raise procs.Failed(f"{processor.rtm_name} exited (code {processor.returncode}) during the run")
            if time.monotonic() > deadline:
                procs.stop(p, grace=5)
                raise procs.Failed(f"{what} did not finish within {timeout:.0f} s")
            time.sleep(0.2)
        out = p.stdout.read() if p.stdout else ""
        if p.returncode != 0:
            why = procs.tail(p.rtm_log, 5) or out.strip()[-400:]
            raise procs.Failed(f"{what} failed (exit {p.returncode}): {why}")
        return json.loads(out.strip().splitlines()[-1])

    def stop_processor(self, p, tag):
        if p is None:
            return None
        code = procs.stop(p)
        out = p.stdout.read() if p.stdout else ""
        summary = {"exit": code}
        lines = out.strip().splitlines()
        if lines and lines[-1].startswith("{"):
            summary.update(json.loads(lines[-1]))
        if code != 0:
            summary["stderr"] = procs.tail(self.logfile(tag, "stderr"), 8)
        return summary

    def skip_reason(self, system):
        peer = peer_of(system)
        if peer:
            d = os.path.join(HERE, "..", "peers", PEERS[peer[0]]["dir"])
            return None if os.path.isdir(os.path.join(d, "target")) else f"not built: {d}/build.sh"
        if system in QUERIES and system not in self.weir_bins:
            return self.weir_unavailable or "weir not built"
        if system in QUERIES and self.weir_unavailable:
            return self.weir_unavailable
        return None

    # ------------------------------------------------------------ latency
    def latency(self, system, guarantee, rate, warmup=None, duration=None):
        row = {"kind": "latency", "system": system, "guarantee": guarantee, "rate": rate}
        warmup = self.a.warmup if warmup is None else warmup
        duration = self.a.duration if duration is None else duration
        reason = self.skip_reason(system)
        if reason:
            return dict(row, error=f"skipped: {reason}")
        tag = self.tag(system, guarantee, rate)
        src, dst = f"{tag}.in", f"{tag}.out"
        self.topics("create", src, dst)
        proc = sampler = None
        try:
            if system != "direct":
                proc = self.start_processor(system, guarantee, "realtime", src, dst, tag)
            isolation = "read_committed" if guarantee == "exactly_once" else "read_uncommitted"
            window = warmup + duration
            measure = procs.start([self.tool["measure"], "--brokers", self.brokers,
                                   "--topic", dst if proc else src, "--isolation", isolation,
                                   "--warmup", str(warmup), "--duration", str(duration),
                                   "--idle", "3", "--timeout", str(window + 60)], "measure",
                                  stderr=self.logfile(tag, "measure"))
            load = procs.start([self.tool["load"], "--brokers", self.brokers, "--topic", src,
                                "--rate", str(rate), "--duration", str(window)], "load",
                               stderr=self.logfile(tag, "load"))
            # The processor's memory over the measured part (after the warm-up,
            # until the load stops sending).
            sampler = RssSampler(proc.pid, warmup) if proc else None
            row["load"] = self.supervise(load, proc, window + 60, "rtm-load")
            if sampler:
                row["rss"] = sampler.summary()
            row["measure"] = self.supervise(measure, proc, 80, "rtm-measure")
            row["check"] = check_counts(query_of(system) or system, row["load"], row["measure"])
        except procs.Failed as e:
            row["error"] = str(e)
        finally:
            if sampler:
                sampler.stop()
            row["processor"] = self.stop_processor(proc, tag)
            procs.stop_all()
            self.topics("delete", src, dst)
        if system in self.startup:
            row["startup_s"] = self.startup[system]
        log(report.one_line(row))
        return row

    # ------------------------------------------------------------ start-up
    def first_record(self, system, rnd):
        """Launch to the first output record (query A, at_least_once), with
        rtm-load already sending A's input at --startup-rate and a kcat
        consumer already waiting on the output topic: the wall time from the
        launch until that kcat has the first record and exits."""
        row = {"kind": "startup", "system": system, "guarantee": "at_least_once", "rate": self.a.startup_rate,
               "round": rnd}
        jit = system == WEIR_JIT
        reason = self.skip_reason("A" if jit else system)
        if reason:
            return dict(row, error=f"skipped: {reason}")
        tag = self.tag("start", system)
        src, dst = f"{tag}.in", f"{tag}.out"
        self.topics("create", src, dst)
        proc = None
        limit = self.a.peer_startup if peer_of(system) else 120
        try:
            load = procs.start([self.tool["load"], "--brokers", self.brokers, "--topic", src,
                                "--rate", str(self.a.startup_rate), "--duration", str(limit + 30)], "load",
                               stderr=self.logfile(tag, "load"))
            first = procs.start(["kcat", "-C", "-b", self.brokers, "-t", dst, "-o", "beginning", "-c", "1",
                                 "-q", "-f", "%p %o\n"], "kcat", stderr=self.logfile(tag, "kcat"))
            time.sleep(1)  # the input is flowing and kcat has joined before the launch
            if load.poll() is not None or first.poll() is not None:
                raise procs.Failed(f"rtm-load or kcat exited before the launch: {procs.tail(load.rtm_log, 3)}"
                                   f" {procs.tail(first.rtm_log, 3)}")
            err = self.logfile(tag, "stderr")
            if jit:
                argv = self.weir_argv("A", "at_least_once", "realtime", src, dst, tag)
                argv = [self.a.weir, "run", os.path.join(HERE, QUERIES["A"] + ".weir")] + argv[1:]
            elif peer_of(system):
                argv = self.peer_argv(peer_of(system), "at_least_once", src, dst, tag)
            else:
                argv = self.weir_argv("A", "at_least_once", "realtime", src, dst, tag)
            launched = time.monotonic()
            with open(err, "w") as f:
                proc = procs.start(argv, system, stdout=f, stderr=f, cwd=self.work)
            deadline = launched + limit
            while True:
                try:
                    first.wait(timeout=0.01)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if proc.poll() is not None:
                    raise procs.Failed(f"{system} exited (code {proc.returncode}) before its first record: "
                                       f"{procs.tail(err, 8)}")
                if time.monotonic() > deadline:
                    raise procs.Failed(f"no output record within {limit:.0f} s of the launch")
            row["seconds"] = time.monotonic() - launched
            if first.returncode != 0:
                raise procs.Failed(f"kcat failed (exit {first.returncode}): {procs.tail(first.rtm_log, 3)}")
        except procs.Failed as e:
            row["error"] = str(e)
        finally:
            if proc is not None:
                procs.stop(proc)
            procs.stop_all()
            self.topics("delete", src, dst)
        log(report.one_line(row))
        return row

    # ------------------------------------------------------------ throughput
    def fill(self, topic, n):
        self.topics("create", topic)
        out = procs.run([self.tool["load"], "--brokers", self.brokers, "--topic", topic,
                         "--rate", "0", "--count", str(n)], 1200, "filling the bulk topic")
        row = {"kind": "fill", "load": json.loads(out.strip().splitlines()[-1])}
        log(f"bulk topic: {n} records at {row['load']['rate']:.0f} records/s")
        return row

    def saturation(self, system, bulk, n):
        """Realtime over a pre-filled topic: input records/s from the first to the last output."""
        row = {"kind": "saturation", "system": system, "records": n}
        reason = self.skip_reason(system)
        if reason:
            return dict(row, error=f"skipped: {reason}")
        tag = self.tag("sat", system)
        dst = f"{tag}.out"
        self.topics("create", dst)
        proc = None
        try:
            measure = procs.start([self.tool["measure"], "--brokers", self.brokers, "--topic", dst,
                                   "--duration", "0", "--idle", "3", "--timeout", "900"], "measure",
                                  stderr=self.logfile(tag, "measure"))
            proc = self.start_processor(system, "at_least_once", "realtime", bulk, dst, tag)
            m = self.supervise(measure, proc, 910, "rtm-measure")
            row["measure"] = m
            span = (m["last_receive_us"] - m["first_receive_us"]) / 1e6
            row["records_per_s"] = n / span if span > 0 else None
            row["check"] = check_counts(query_of(system) or system, {"delivered": n, "failed": 0}, m)
        except procs.Failed as e:
            row["error"] = str(e)
        finally:
            row["processor"] = self.stop_processor(proc, tag)
            procs.stop_all()
            self.topics("delete", dst)
        log(report.one_line(row))
        return row

    def available_now(self, system, bulk, n):
        row = {"kind": "available_now", "system": system, "records": n}
        if system == "kcat":
            argv = ["kcat", "-C", "-b", self.brokers, "-t", bulk, "-o", "beginning", "-e", "-q"]
            dst = None
        else:
            reason = self.skip_reason(system)
            if reason:
                return dict(row, error=f"skipped: {reason}")
            tag = self.tag("now", system)
            dst = f"{tag}.out"
            self.topics("create", dst)
            argv = self.weir_argv(system, "at_least_once", "available_now", bulk, dst, tag)
        try:
            start = time.monotonic()
            with open(os.devnull, "w") as null:
                r = subprocess.run(argv, stdout=null, stderr=subprocess.PIPE, text=True, timeout=900,
                                   cwd=self.work)
            row["seconds"] = time.monotonic() - start
            if r.returncode != 0:
                row["error"] = f"exit {r.returncode}: {r.stderr.strip()[-400:]}"
            else:
                row["records_per_s"] = n / row["seconds"]
        except subprocess.TimeoutExpired:
            row["error"] = "did not finish within 900 s"
        finally:
            if dst:
                self.topics("delete", dst)
        log(report.one_line(row))
        return row


def wait_for_match(path, pattern, timeout, alive):
    """Waits until file `path` has a match of regex `pattern`; False if
    `alive()` turns false or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                if re.search(pattern, f.read()):
                    return True
        if not alive():
            return False
        time.sleep(0.1)
    return False


def _vmrss_kb(pid):
    """VmRSS of one process in kB; 0 if it is gone or has none (a zombie)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_rss_kb(pid):
    """Resident memory of pid and all its descendants, kB. A peer's run.sh may
    exec java (same pid) or fork it (a child): the tree covers both."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
            # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d))
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _vmrss_kb(p)
        todo += children.get(p, [])
    return total


class RssSampler(threading.Thread):
    """Samples tree_rss_kb(pid) every `interval` s, starting `delay` s from now
    (the warm-up), until stop(); summary() gives median and peak in MiB."""

    def __init__(self, pid, delay, interval=0.5):
        super().__init__(daemon=True)
        self.pid, self.delay, self.interval = pid, delay, interval
        self.samples = []
        self.done = threading.Event()
        self.start()

    def run(self):
        if self.done.wait(self.delay):
            return
        while True:
            kb = tree_rss_kb(self.pid)
            if kb:
                self.samples.append(kb)
            if self.done.wait(self.interval):
                return

    def stop(self):
        self.done.set()
        self.join()

    def summary(self):
        self.stop()
        if not self.samples:
            return None
        return {"samples": len(self.samples), "interval_s": self.interval,
                "median_mb": statistics.median(self.samples) / 1024, "peak_mb": max(self.samples) / 1024}


def check_counts(system, load, measure):
    """What came out against what went in: None when right, else why not.

    direct, relay, A and C emit one record per input record; B one update per
    input record at most (updates of a key may be coalesced)."""
    sent, got = load["delivered"], measure["received"]
    problems = []
    if load["failed"]:
        problems.append(f"{load['failed']} records not delivered by rtm-load")
    if measure["unparsed"]:
        problems.append(f"{measure['unparsed']} records without sent_us")
    if measure["duplicates"]:
        problems.append(f"{measure['duplicates']} duplicates")
    if system == "B" and not 0 < got <= sent:
        problems.append(f"{got} updates for {sent} input records")
    elif system != "B" and got != sent:
        problems.append(f"received {got} records, {sent} were sent")
    return "; ".join(problems) or None


def draw_plots(report_json, directory, prefix="latency-"):
    """plots.py over a report.json; returns the files written. matplotlib may
    be Debian's (python3-matplotlib) while `python3` is another interpreter
    (a pyenv one here): each is tried in turn."""
    script = os.path.join(HERE, "plots.py")
    for py in dict.fromkeys([sys.executable, "/usr/bin/python3"]):
        if not os.access(py, os.X_OK):
            continue
        r = subprocess.run([py, script, report_json, "--dir", directory, "--prefix", prefix],
                           capture_output=True, text=True, timeout=300)
        if r.returncode == 0:
            return r.stdout.split()
        if "No module named 'matplotlib'" not in r.stderr:
            log(f"plots.py failed: {r.stderr.strip()[-400:]}")
            return []
    log("no plots: matplotlib is missing (apt-get install python3-matplotlib)")
    return []


def start_broker(work):
    env = dict(os.environ, WEIR_KAFKA_RUN=os.path.join(work, "broker"))
    r = subprocess.run([os.path.join(REPO, "test", "kafka", "broker.sh"), "start"], env=env,
                       capture_output=True, text=True, timeout=240)
    if r.returncode != 0:
        raise procs.Failed(f"broker.sh start failed: {r.stderr.strip()[-800:]}")
    return r.stdout.strip().splitlines()[-1], env


def stop_broker(env):
    subprocess.run([os.path.join(REPO, "test", "kafka", "broker.sh"), "stop"], env=env,
                   capture_output=True, timeout=90)


def unwind_on_sigterm(signum, frame):
    """SIGTERM unwinds like Ctrl-C: the finally blocks stop what was started."""
    raise KeyboardInterrupt()


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(REPO, "build"), help="cmake build directory")
    p.add_argument("--weir", help="the weir driver (default BUILD/bin/weir)")
    p.add_argument("--brokers", help="use this running broker instead of starting one")
    p.add_argument("--rates", help="records/s, comma-separated (default 10000,100000)")
    p.add_argument("--systems", default="direct,relay,A,B,C")
    p.add_argument("--guarantees", default="at_least_once,exactly_once")
    p.add_argument("--duration", type=float, help="measured seconds per run (default 20)")
    p.add_argument("--warmup", type=float, help="excluded seconds at the start of each run (default 5)")
    p.add_argument("--repeat", type=int, default=1, help="rounds (interleaved); the report shows medians")
    # 1,000/s, not 10,000: the first output needs input flowing, not a high
    # rate; a low one keeps rtm-load's CPU out of a JVM's start-up on 2 cores.
    p.add_argument("--startup-rate", type=int, default=1000,
                   help="records/s sent while measuring launch to first output record (query A); 0 = skip")
    p.add_argument("--partitions", type=int, default=2)
    p.add_argument("--commit-interval", default="100ms", help="exactly_once commit interval")
    p.add_argument("--bulk-records", type=int, help="records of the saturation topic (default 2000000); 0 = skip")
    p.add_argument("--weir-startup", type=float, default=3, help="seconds given to a Weir pipeline to start")
    p.add_argument("--peer-startup", type=float, default=180, help="seconds a peer (bench/peers) may take to be ready")
    p.add_argument("--weir-arg", action="append", default=[], help="extra argument for every Weir run")
    p.add_argument("--relay-arg", action="append", default=[],
                   help="extra argument for every relay run, e.g. --relay-arg=--producer-X=linger.ms=1")
    p.add_argument("--out", default=os.path.join(REPO, "bench", "results", "rtm"))
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    p.add_argument("--check", action="store_true",
                   help="exit 1 when a run failed or its output count is wrong (the smoke test)")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: defaults of 1000 records/s, 3 s measured after 1 s, 20k bulk records")
    a = p.parse_args()
    defaults = ("1000", 3, 1, 20000) if a.quick else ("10000,100000", 20, 5, 2000000)
    for name, value in zip(("rates", "duration", "warmup", "bulk_records"), defaults):
        if getattr(a, name) is None:
            setattr(a, name, value)
    a.weir = a.weir or os.path.join(a.build, "bin", "weir")
    a.rates = [int(r) for r in a.rates.split(",")]
    a.systems = a.systems.split(",")
    a.guarantees = a.guarantees.split(",")
    return a


def run_all(bench, a):
    rows = []
    latency_systems = [s for s in a.systems if s in ("direct", "relay") or query_of(s)]
    # A fresh broker's JVM is cold (its first consumer waited seconds for
    # its first records here): a short unreported pass warms it up.
    log("warming the broker up (6 s, not reported)")
    bench.latency("direct", "at_least_once", 1000, warmup=1, duration=5)
    startup_systems = [x for s in a.systems if query_of(s) == "A"
                       for x in ([s, WEIR_JIT] if s == "A" else [s])] if a.startup_rate > 0 else []
    if startup_systems:
        # The broker creates its offsets topic when a group first joins: the
        # first start-up measured here paid for that (0.8 s against 0.3 s).
        log("warming the broker's group coordinator up (one start-up, not reported)")
        bench.first_record(startup_systems[0], -1)
    for rnd in range(a.repeat):
        for s in startup_systems:
            log(f"round {rnd + 1}/{a.repeat}: {s} launch to first record")
            rows.append(bench.first_record(s, rnd))
        for rate in a.rates:
            for g in a.guarantees:
                for s in latency_systems:
                    if s == "direct" and g != "at_least_once":
                        continue
                    log(f"round {rnd + 1}/{a.repeat}: {s} {g} {rate} records/s")
                    rows.append(dict(bench.latency(s, g, rate), round=rnd))
    if a.bulk_records > 0:
        bulk = bench.tag("bulk") + ".in"
        rows.append(bench.fill(bulk, a.bulk_records))
        for s in [s for s in a.systems if s == "relay" or query_of(s)]:
            rows.append(bench.saturation(s, bulk, a.bulk_records))
        for s in ["kcat"] + [s for s in a.systems if s in QUERIES]:
            rows.append(bench.available_now(s, bulk, a.bulk_records))
        bench.topics("delete", bulk)
    return rows


def main():
    a = parse_args()
    for t in ("load", "measure", "relay", "topics"):
        exe = os.path.join(a.build, "bench", "rtm", f"rtm-{t}")
        if not os.access(exe, os.X_OK):
            sys.exit(f"rtm: {exe} missing: ninja -C {a.build} rtm-load rtm-measure rtm-relay rtm-topics")
    signal.signal(signal.SIGTERM, unwind_on_sigterm)
    work = tempfile.mkdtemp(prefix="weir-rtm.")
    broker_env = None
    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        if a.brokers:
            brokers = a.brokers
        else:
            log("starting a broker")
            brokers, broker_env = start_broker(work)
        log(f"broker {brokers}; work directory {work}")
        bench = Bench(a, brokers, work)
        if any(s in QUERIES for s in a.systems):
            bench.build_weir()
            bench.probe_weir_kafka()
        rows = run_all(bench, a)
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except procs.Failed as e:
        log(f"error: {e}")
        return 1
    finally:
        procs.stop_all()
        if broker_env:
            stop_broker(broker_env)
        if not a.keep:
            subprocess.run(["rm", "-rf", work])
    meta = report.metadata(a, started)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "report.json"), "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
    md = report.markdown(meta, rows)
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write(md)
    print(md)
    for path in draw_plots(os.path.join(a.out, "report.json"), a.out):
        log(f"plot: {path}")
    bad = [report.one_line(r) for r in rows if r.get("check") or
           (r.get("error") and not r["error"].startswith("skipped"))]
    if a.check and bad:
        log("check failed:\n  " + "\n  ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

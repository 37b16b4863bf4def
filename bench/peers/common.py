"""What bench/peers/*/quick_check.py share: the Python model of bench/rtm's
queries A, B and C (one source of truth, written from bench/rtm/query_*.weir),
the checks of a peer's output against it, and the harness around a peer run
(a broker, topics, input from rtm-load, kcat reading the output, stopping what
was started, PASS/FAIL lines and the exit status).

A quick check is `main(PEER, doc, add_args, body)`: it parses the common
options (--build, --brokers, --no-build, --keep), builds the peer, starts a
broker of its own unless --brokers names a running one (bench/peers/run.sh
QUICK=1 hands all three peers the suite's broker), and calls body(ctx, checks).
Topics are named qc<pid>-<peer>-..., so several checks can share one broker.

bench/rtm/run.py does not model the queries (it checks record counts and
latencies only), so this module holds the only model; it is kept free of
peer-specific choices (a peer passes those as arguments, e.g. Spark's
coalesced micro-batch updates).
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

PEERS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(PEERS))
BROKER_SH = os.path.join(REPO, "test", "kafka", "broker.sh")

# The input every check feeds (rtm-load's deterministic records).
RECORDS = 2000
RATE = 2000  # records/s: one second of load
PARTITIONS = 2


# ---------------------------------------------------------------- the model
# Rows as bench/rtm/query_{a,b,c}.weir emit them, in Weir's field order.

def b64_1000(payload):
    """base64(substr(payload, 1, 1000)): the first 1,000 characters, UTF-8, no line breaks."""
    return base64.b64encode(payload[:1000].encode("utf-8")).decode("ascii")


def model_a(events):
    """A: select seq, sent_us, grp, payload = base64(substr(payload, 1, 1000))."""
    return [{"seq": e["seq"], "sent_us": e["sent_us"], "grp": e["grp"], "payload": b64_1000(e["payload"])}
            for e in events]


def model_b(events, sent_us="last"):
    """B: key by grp | aggregate n = count(), sent_us = last(sent_us), an update per record.

    Per group, the state after each of its records in input order: [(n, sent_us), ...].
    `events` must be in partition and offset order (a group lives in one partition, so
    that is the group's order). sent_us="max" models Spark's max(sent_us), the same as
    last() while rtm-load stamps increasing send times (spark/README.md says why)."""
    assert sent_us in ("last", "max"), sent_us
    per = collections.defaultdict(list)
    for e in events:
        hist = per[e["grp"]]
        s = e["sent_us"] if sent_us == "last" or not hist else max(hist[-1][1], e["sent_us"])
        hist.append((len(hist) + 1, s))
    return per


def model_c(events, table):
    """C: inner join with the lookup table on lookup_key, then A's projection plus lookup_value."""
    return [{"seq": e["seq"], "sent_us": e["sent_us"], "grp": e["grp"], "lookup_value": table[e["lookup_key"]],
             "payload": b64_1000(e["payload"])} for e in events if e["lookup_key"] in table]


B_FIELDS = ["grp", "n", "sent_us"]


# ---------------------------------------------------------------- PASS/FAIL
class Checks:
    """One PASS/FAIL line per check, `info` lines for what is not checked (start-up)."""

    def __init__(self, peer):
        self.peer = peer
        self.passed, self.failed = [], []
        self.t0 = time.monotonic()

    def __call__(self, ok, name, detail=""):
        (self.passed if ok else self.failed).append(name)
        print(f"{'PASS' if ok else 'FAIL'} {self.peer} {name}" + (f": {detail}" if detail else ""), flush=True)
        return ok

    def info(self, msg):
        print(f"info {self.peer} {msg}", flush=True)

    def log(self, msg):
        print(f"quick_check {self.peer}: {msg}", file=sys.stderr, flush=True)

    def summary(self):
        """The last line, and the exit status: 1 on a failure or when nothing was checked."""
        if self.failed:
            self.log(f"failed: {', '.join(self.failed)}")
        print(f"quick_check {self.peer}: {len(self.passed)} passed, {len(self.failed)} failed, "
              f"{time.monotonic() - self.t0:.0f} s", flush=True)
        return 1 if self.failed or not self.passed else 0


# ---------------------------------------------------------------- checks
def check_keys(ck, name, got):
    bad = [r for k, r in got if k != str(r.get("grp"))]
    ck(not bad, f"{name} keys", f"{len(got) - len(bad)}/{len(got)} records keyed by grp"
       + (f"; first bad: {bad[0]}" if bad else ""))


def check_rows(ck, name, got, want):
    """A and C. got: [(key, row)] as read; want: the model's rows. Exactly the model's rows
    (a multiset: each once in a failure-free run), in Weir's field order, keyed by grp."""
    check_keys(ck, name, got)
    g = collections.Counter(json.dumps(r, sort_keys=True) for _, r in got)
    w = collections.Counter(json.dumps(r, sort_keys=True) for r in want)
    missing, extra = w - g, g - w
    dups = sum(c - 1 for c in g.values() if c > 1)
    detail = (f"{len(got)} rows, {len(want)} expected; {sum(missing.values())} missing, "
              f"{sum(extra.values())} unexpected (of which {dups} duplicates)")
    if missing:
        detail += f"; first missing: {next(iter(missing))[:160]}"
    if extra:
        detail += f"; first unexpected: {next(iter(extra))[:160]}"
    ck(not missing and not extra, f"{name} rows", detail)
    fields = list(want[0]) if want else []
    bad = [list(r) for _, r in got if list(r) != fields]
    ck(not bad, f"{name} fields", ",".join(fields) + (f"; first bad: {bad[0]}" if bad else ""))


def check_b(ck, name, got, want, per_record=True):
    """B. got: [(key, row)] in partition and offset order; want: model_b's updates.

    per_record: one update per input record, update k of a group is exactly the model's k-th
    state (Weir, Kafka Streams, Flink). Otherwise (Spark's micro-batches emit one update per
    group touched, with the count after its last record) each group's counts rise, every
    update is one of the model's states, and the last is the final one."""
    check_keys(ck, name, got)
    bad = [list(r) for _, r in got if list(r) != B_FIELDS]
    ck(not bad, f"{name} fields", ",".join(B_FIELDS) + (f"; first bad: {bad[0]}" if bad else ""))
    seen = collections.defaultdict(list)
    for _, r in got:
        seen[r.get("grp")].append((r.get("n"), r.get("sent_us")))
    total = sum(len(h) for h in want.values())
    final_bad = [g for g in want if (seen[g][-1][0] if seen.get(g) else 0) != len(want[g])]
    final_bad += [g for g in seen if g not in want]
    ck(not final_bad, f"{name} final counts",
       f"{len(want) - len(final_bad)}/{len(want)} groups end at their input count ({total} records)"
       + (f"; first bad group {final_bad[0]}: got {seen.get(final_bad[0], [])[-3:]}, "
          f"want {want.get(final_bad[0], [])[-3:]}" if final_bad else ""))
    if per_record:
        ck(len(got) == total, f"{name} updates", f"{len(got)} updates for {total} input records")
        rising_bad = [g for g in want if [n for n, _ in seen.get(g, [])] != list(range(1, len(want[g]) + 1))]
        rising = "emit 1, 2, ..., n in order"
    else:
        rising_bad = [g for g, u in seen.items() if any(a[0] >= b[0] for a, b in zip(u, u[1:]))]
        rising = "have rising counts (coalesced within a micro-batch)"
    ck(not rising_bad, f"{name} counts rise", f"{len(want) - len(rising_bad)}/{len(want)} groups {rising}"
       + (f"; first bad group {rising_bad[0]}: {[n for n, _ in seen.get(rising_bad[0], [])][:12]}"
          if rising_bad else ""))
    if per_record:
        sent_bad = [g for g in want if seen.get(g) != want[g]]
    else:
        sent_bad = [g for g, u in seen.items() if g in want and
                    any(not (isinstance(n, int) and 1 <= n <= len(want[g])) or want[g][n - 1] != (n, s)
                        for n, s in u)]
    ck(not sent_bad, f"{name} sent_us per update",
       f"{len(want) - len(sent_bad)}/{len(want)} groups: the update at count k carries the model's "
       f"sent_us after k records" + (f"; first bad group {sent_bad[0]}: got {seen.get(sent_bad[0], [])[:4]}, "
                                     f"want {want.get(sent_bad[0], [])[:4]}" if sent_bad else ""))
    if not per_record:
        ck.info(f"{name}: {len(got)} updates for {total} input records ({total - len(got)} coalesced)")


# ---------------------------------------------------------------- processes, topics
def run(argv, timeout, env=None, what=None):
    """argv's stdout; RuntimeError (with its stderr's tail) when it fails."""
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"{what or os.path.basename(argv[0])} failed (exit {r.returncode}): "
                           f"{r.stderr.strip()[-600:]}")
    return r.stdout


def stop_process(p, grace=30):
    """SIGTERM, then after `grace` seconds SIGKILL to its process group (a peer's run.sh and
    its JVM are started in a session of their own). Returns the exit status."""
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                p.kill()
            p.wait()
    return p.returncode


def read_topic(brokers, topic, committed=False):
    """Every record of topic up to its current end as [(key, value)], in partition and offset
    order (each group's order: a group lives in one partition)."""
    argv = ["kcat", "-C", "-b", brokers, "-t", topic, "-o", "beginning", "-e", "-q", "-u",
            "-f", "%p\t%o\t%k\t%s\n"]
    if committed:
        argv += ["-X", "isolation.level=read_committed"]
    recs = []
    for line in run(argv, 60, what=f"kcat ({topic})").splitlines():
        p, o, k, v = line.split("\t", 3)
        recs.append((int(p), int(o), k, v))
    recs.sort(key=lambda r: (r[0], r[1]))
    return [(k, v) for _, _, k, v in recs]


class Reader:
    """kcat following a topic from the beginning: how many records, when the first and the
    last arrived. Only a progress signal; the checks read the topic again (read_topic)."""

    def __init__(self, brokers, topic, committed):
        argv = ["kcat", "-C", "-b", brokers, "-t", topic, "-o", "beginning", "-q", "-u", "-f", "%k\t%s\n"]
        if committed:
            argv += ["-X", "isolation.level=read_committed"]
        self.p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.rows, self.first, self.last = [], None, None
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.p.stdout:
            key, _, value = line.rstrip("\n").partition("\t")
            try:
                row = json.loads(value)
            except ValueError:
                row = {"unparsed": value}
            self.last = time.monotonic()
            self.first = self.first or self.last
            self.rows.append((key, row))

    def stop(self):
        stop_process(self.p, grace=5)


class Ctx:
    """What body() gets: the arguments, the tools, the broker, a work directory."""

    def __init__(self, args, brokers, work, peer):
        self.args, self.brokers, self.work, self.peer = args, brokers, work, peer
        self.prefix = f"qc{os.getpid()}-{peer}-"
        rtm = os.path.join(args.build, "bench", "rtm")
        self.load, self.topics = os.path.join(rtm, "rtm-load"), os.path.join(rtm, "rtm-topics")

    def topic(self, name):
        return self.prefix + name

    def create_topics(self, *names):
        run([self.topics, "--brokers", self.brokers, "create", "--partitions", str(PARTITIONS), *names], 60)

    def delete_topics(self, *names):
        run([self.topics, "--brokers", self.brokers, "delete", *names], 60)

    def produce_argv(self, topic, count=RECORDS, rate=RATE, seed=None):
        argv = [self.load, "--brokers", self.brokers, "--topic", topic, "--rate", str(rate),
                "--count", str(count), "--duration", "60"]
        return argv + (["--seed", str(seed)] if seed is not None else [])

    def produce(self, topic, count=RECORDS, rate=RATE, seed=None):
        """count records from rtm-load; returns its summary ({"delivered": ...})."""
        return json.loads(run(self.produce_argv(topic, count, rate, seed), 120).strip().splitlines()[-1])

    def read_input(self, topic):
        """The input as the broker holds it (partition and offset order), as dicts."""
        return [json.loads(v) for _, v in read_topic(self.brokers, topic)]

    def lookup_table(self, drop_every=3):
        """Query C's table: rtm-load's 10,000 rows less every `drop_every`-th key, so that the
        inner join has rows to drop. Writes it to the work directory; returns {key: value}."""
        full = os.path.join(self.work, "lookup-full.csv")
        run([self.load, "--write-table", full], 30)
        table = {}
        with open(full) as f:
            header = f.readline().strip()
            assert header == "lookup_key,lookup_value", header
            for line in f:
                k, v = (int(x) for x in line.strip().split(","))
                if not drop_every or k % drop_every:
                    table[k] = v
        self.lookup = os.path.join(self.work, "lookup.csv")
        with open(self.lookup, "w") as f:
            f.write("lookup_key,lookup_value\n")
            f.writelines(f"{k},{v}\n" for k, v in table.items())
        return table

    def standard_input(self, ck):
        """RECORDS records at RATE into a fresh input topic, read back; checked keyed by grp."""
        topic = self.topic("in")
        self.create_topics(topic)
        load = self.produce(topic)
        ck(load["delivered"] == RECORDS, "input", f"rtm-load delivered {load['delivered']} records")
        rows = read_topic(self.brokers, topic)
        events = [json.loads(v) for _, v in rows]
        keyed = all(k == str(e["grp"]) for (k, _), e in zip(rows, events))
        ck(keyed and len(events) == RECORDS, "input keys",
           f"{len(events)} records read back, each keyed by its grp: {keyed}")
        return topic, events


class PeerRun:
    """The outcome of run_peer: the output (re-read from the topic), start-up, how it ended."""
    rows = ()
    startup = None
    exited = None    # exit status if the peer ended by itself before it was stopped
    code = None      # exit status after SIGTERM
    complete = False
    log_tail = ""


def run_peer(ctx, argv, out_topic, committed, done, timeout, quiet=1.0, on_first=None, tag="peer"):
    """Launches a peer (run.sh argv, in a session of its own, output to a log in the work
    directory) with kcat following out_topic, until done(rows) holds and nothing more came for
    `quiet` seconds (a duplicate or an extra update would show), the peer ends, or `timeout`.
    on_first() runs once the first output record arrived. Stops the peer and kcat, also on
    Ctrl-C/SIGTERM, and returns a PeerRun whose rows are out_topic read again to its end."""
    res = PeerRun()
    reader = Reader(ctx.brokers, out_topic, committed)
    logpath = os.path.join(ctx.work, f"{tag.replace(' ', '-')}.log")
    proc = None
    try:
        launched = time.monotonic()
        with open(logpath, "w") as logf:
            proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = launched + timeout
        fired = False
        while time.monotonic() < deadline and proc.poll() is None:
            if reader.first is not None and not fired:
                fired = True
                if on_first:
                    on_first()
            rows = list(reader.rows)
            if done(rows) and reader.last is not None and time.monotonic() - reader.last >= quiet:
                res.complete = True
                break
            time.sleep(0.1)
        res.exited = proc.poll()
    finally:
        reader.stop()
        if proc is not None:
            res.code = stop_process(proc)
    if reader.first is not None:
        res.startup = reader.first - launched
    with open(logpath) as f:
        res.log_tail = "".join(f.readlines()[-6:]).strip()[-800:]
    res.rows = []
    for k, v in read_topic(ctx.brokers, out_topic, committed):
        try:
            res.rows.append((k, json.loads(v)))
        except ValueError:
            res.rows.append((k, {"unparsed": v}))
    return res


def report_run(ck, name, res, timeout, clean_exit=False):
    """The run's own check: it ran until stopped and its output was complete within timeout
    (clean_exit: and it exited 0 or 143 on SIGTERM); the start-up time as information."""
    ok = res.exited is None and res.complete and (not clean_exit or res.code in (0, 143))
    ck(ok, f"{name} run", f"{len(res.rows)} records within {timeout:.0f} s, exit {res.code} on SIGTERM" if ok
       else f"{len(res.rows)} records, complete={res.complete}, exited by itself={res.exited}, "
            f"exit {res.code}: {res.log_tail}")
    ck.info(f"{name}: start-up (launch to first output record) "
            + (f"{res.startup:.1f} s" if res.startup is not None else "n/a (no output)"))
    return ok


# ---------------------------------------------------------------- main
def _unwind(signum, frame):
    """SIGTERM unwinds like Ctrl-C: the finally blocks stop the peers and the broker."""
    raise KeyboardInterrupt()


def main(peer, doc, add_args, body):
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", "--build-dir",
                    default=os.environ.get("BUILD") or os.environ.get("WEIR_BUILD_DIR") or os.path.join(REPO, "build"),
                    help="Weir's cmake build directory, for bench/rtm/rtm-load and rtm-topics")
    ap.add_argument("--brokers", help="a running broker (host:port) instead of one of its own")
    ap.add_argument("--no-build", action="store_true", help="skip the peer's build.sh (run.sh QUICK=1 built it)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (the peers' logs)")
    add_args(ap)
    args = ap.parse_args()
    ck = Checks(peer)
    rtm = os.path.join(args.build, "bench", "rtm")
    for exe in ("rtm-load", "rtm-topics"):
        if not os.access(os.path.join(rtm, exe), os.X_OK):
            sys.exit(f"quick_check: {os.path.join(rtm, exe)} missing (--build DIR: a build with bench/rtm)")
    for tool in ("kcat", "java"):
        if not shutil.which(tool):
            sys.exit(f"quick_check: {tool} not found")
    if not args.no_build:
        t = time.monotonic()
        run([os.path.join(PEERS, peer, "build.sh")], 900)
        ck.log(f"built in {time.monotonic() - t:.1f} s")
    work = tempfile.mkdtemp(prefix=f"rtm-{peer}-qc-")
    env = dict(os.environ, WEIR_KAFKA_RUN=os.path.join(work, "broker"))
    own_broker = False
    signal.signal(signal.SIGTERM, _unwind)
    try:
        brokers = args.brokers
        if not brokers:
            t = time.monotonic()
            brokers = run([BROKER_SH, "start"], 240, env=env).strip().splitlines()[-1]
            own_broker = True
            ck.log(f"broker {brokers} up in {time.monotonic() - t:.1f} s")
        body(Ctx(args, brokers, work, peer), ck)
    except (RuntimeError, subprocess.TimeoutExpired, subprocess.CalledProcessError) as e:
        ck(False, "harness", str(e))
    except KeyboardInterrupt:
        ck(False, "harness", "interrupted")
    finally:
        if own_broker:
            subprocess.run([BROKER_SH, "stop"], env=env, capture_output=True, timeout=90)
        if args.keep:
            ck.log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return ck.summary()


# ---------------------------------------------------------------- selftest
def selftest():
    """The model and the checks on hand-made rows, no broker or JVM (test/run/peers_model.test):
    expectations worked out by hand from bench/rtm/query_*.weir."""

    class Quiet(Checks):
        def __call__(self, ok, name, detail=""):
            (self.passed if ok else self.failed).append(name)
            return ok

        def info(self, msg):
            pass

    ev = [{"seq": 1, "sent_us": 10, "grp": 7, "lookup_key": 1, "payload": "ab"},
          {"seq": 2, "sent_us": 20, "grp": 8, "lookup_key": 3, "payload": "x" * 1001},
          {"seq": 3, "sent_us": 30, "grp": 7, "lookup_key": 3, "payload": ""},
          {"seq": 4, "sent_us": 25, "grp": 7, "lookup_key": 2, "payload": "é"}]
    # A: base64 of the first 1,000 characters ("ab" -> "YWI="; "é" is 2 bytes in UTF-8 -> "w6k=").
    a = model_a(ev)
    assert [r["payload"] for r in a] == ["YWI=", base64.b64encode(b"x" * 1000).decode(), "", "w6k="], a
    assert list(a[0]) == ["seq", "sent_us", "grp", "payload"], a[0]
    # B: per group, (count, sent_us) after each record; "max" keeps 30 after the late 25.
    assert dict(model_b(ev)) == {7: [(1, 10), (2, 30), (3, 25)], 8: [(1, 20)]}, model_b(ev)
    assert dict(model_b(ev, "max")) == {7: [(1, 10), (2, 30), (3, 30)], 8: [(1, 20)]}
    # C: key 3 is not in the table, so seq 2 and 3 are dropped.
    c = model_c(ev, {1: 100, 2: 200})
    assert [(r["seq"], r["lookup_value"]) for r in c] == [(1, 100), (4, 200)], c
    assert list(c[0]) == ["seq", "sent_us", "grp", "lookup_value", "payload"], c[0]

    def verdict(fn, *args, **kw):
        ck = Quiet("selftest")
        fn(ck, "t", *args, **kw)
        return sorted(set(ck.failed))

    keyed = [(str(r["grp"]), r) for r in a]
    assert verdict(check_rows, keyed, a) == []
    assert verdict(check_rows, keyed + keyed[:1], a) == ["t rows"]           # a duplicate
    assert verdict(check_rows, keyed[1:], a) == ["t rows"]                   # a missing row
    assert verdict(check_rows, [("9", a[0])] + keyed[1:], a) == ["t keys"]    # keyed by something else
    shuffled = [(k, dict(reversed(list(r.items())))) for k, r in keyed]
    assert verdict(check_rows, shuffled, a) == ["t fields"]                   # same values, other order

    b = model_b(ev)
    upd = [(str(g), {"grp": g, "n": n, "sent_us": s}) for g in (7, 8) for n, s in b[g]]
    assert verdict(check_b, upd, b) == []
    # group 8's only update lost
    assert verdict(check_b, upd[:-1], b) == ["t counts rise", "t final counts", "t sent_us per update", "t updates"]
    wrong = [(k, dict(r, sent_us=r["sent_us"] + 1)) if r["n"] == 2 else (k, r) for k, r in upd]
    assert verdict(check_b, wrong, b) == ["t sent_us per update"]
    # Coalesced (Spark): group 7's first two records in one batch -> updates 2 and 3 only.
    bm = model_b(ev, "max")
    coal = [(k, {"grp": g, "n": n, "sent_us": s}) for k, g, n, s in
            [("7", 7, 2, 30), ("7", 7, 3, 30), ("8", 8, 1, 20)]]
    assert verdict(check_b, coal, bm, per_record=False) == []
    assert verdict(check_b, coal, bm) == ["t counts rise", "t sent_us per update", "t updates"]
    falling = [coal[1], coal[0], coal[2]]
    assert verdict(check_b, falling, bm, per_record=False) == ["t counts rise", "t final counts"]
    print("bench/peers/common.py selftest: ok")


if __name__ == "__main__":
    selftest()

"""What the Kafka tests' drivers share: topics and offsets through
weir-kafka-admin, records in and out through kcat (clients Weir did not
write), weir runs bounded in time, and comparisons of rows.

Every wait is bounded (TIMEOUT): a hung run fails the test instead of
hanging the suite. Nothing is asserted about how long things take."""
import json
import os
import signal
import subprocess
import sys
import time

# Generous: the machine may be busy; a healthy run takes a fraction.
TIMEOUT = 180


def fail(message):
    sys.exit("FAIL: " + message)


def brokers():
    value = os.environ.get("WEIR_KAFKA_BROKERS", "")
    if not value:
        fail("WEIR_KAFKA_BROKERS is not set")
    return value


def admin(*args, bootstrap=None):
    proc = subprocess.run(["weir-kafka-admin", "-b", bootstrap or brokers(), *args],
                          capture_output=True, text=True, timeout=TIMEOUT)
    if proc.returncode != 0:
        fail(f"weir-kafka-admin {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout


def create(topics, partitions, bootstrap=None):
    admin("create", *topics, "--partitions", str(partitions), bootstrap=bootstrap)


def delete(topics, bootstrap=None):
    admin("delete", *topics, bootstrap=bootstrap)


def _offsets(text):
    return {int(p): (None if o == "none" else int(o)) for p, o in (line.split() for line in text.splitlines())}


def end_offsets(topic, bootstrap=None):
    return _offsets(admin("end", topic, bootstrap=bootstrap))


def group_offsets(group, topic, bootstrap=None, wait=True):
    """The group's committed offsets; wait=False does not wait for an open
    transaction (one a killed run left) and gives the last committed ones."""
    return _offsets(admin("offsets", group, topic, *([] if wait else ["--no-wait"]), bootstrap=bootstrap))


def produce(topic, records, bootstrap=None, partition=None):
    """records: (key, value) pairs (key None: no key), in order. Each key's
    records land in one partition (librdkafka's default partitioner), in
    this order."""
    keyed = [r for r in records if r[0] is not None]
    unkeyed = [r for r in records if r[0] is None]
    if keyed and unkeyed:
        fail("produce: mix of keyed and unkeyed records in one call")
    cmd = ["kcat", "-P", "-b", bootstrap or brokers(), "-t", topic]
    if partition is not None:
        cmd += ["-p", str(partition)]
    if keyed:
        cmd += ["-K", "\t"]
        text = "".join(f"{k}\t{v}\n" for k, v in keyed)
    else:
        text = "".join(f"{v}\n" for _, v in unkeyed)
    for k, v in records:
        if "\n" in v or (k is not None and ("\t" in str(k) or "\n" in str(k))):
            fail("produce: a key or value contains a delimiter")
    proc = subprocess.run(cmd, input=text, capture_output=True, text=True, timeout=TIMEOUT)
    if proc.returncode != 0:
        fail(f"kcat -P {topic}: {proc.stderr.strip()}")


def consume(topic, fmt="%s\\n", committed=True, bootstrap=None):
    """Every record of the topic from the beginning, in partition order
    (partition by partition), formatted by kcat's -f; read_committed unless
    committed=False. Returns the lines."""
    lines = []
    for partition in sorted(end_offsets(topic, bootstrap)):
        proc = subprocess.run(
            ["kcat", "-C", "-b", bootstrap or brokers(), "-t", topic, "-p", str(partition), "-o", "beginning",
             "-e", "-q", "-Z", "-f", fmt,
             "-X", "isolation.level=" + ("read_committed" if committed else "read_uncommitted")],
            capture_output=True, text=True, timeout=TIMEOUT)
        if proc.returncode != 0:
            fail(f"kcat -C {topic}: {proc.stderr.strip()}")
        lines += proc.stdout.splitlines()
    return lines


def consume_envelopes(topic, bootstrap=None):
    """Every record of the topic as kcat's JSON envelope (-J): key (null
    for none, "" for an empty key; -f's %k cannot tell them apart),
    partition, offset, ts (ms) and payload."""
    lines = []
    for partition in sorted(end_offsets(topic, bootstrap)):
        proc = subprocess.run(["kcat", "-C", "-b", bootstrap or brokers(), "-t", topic, "-p", str(partition),
                               "-o", "beginning", "-e", "-q", "-J"],
                              capture_output=True, text=True, timeout=TIMEOUT)
        if proc.returncode != 0:
            fail(f"kcat -C -J {topic}: {proc.stderr.strip()}")
        lines += [json.loads(x) for x in proc.stdout.splitlines()]
    return lines


def canonical(rows):
    """JSON rows as sorted canonical text: comparable whatever the order
    and the writer's key order."""
    return sorted(json.dumps(json.loads(r), sort_keys=True) for r in rows)


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [line for line in f.read().splitlines() if line]


def same_rows(what, got, want):
    """Fails unless the two lists of JSON rows are equal as multisets."""
    got, want = canonical(got), canonical(want)
    if got == want:
        return
    from collections import Counter
    g, w = Counter(got), Counter(want)
    missing, extra = list((w - g).elements()), list((g - w).elements())
    detail = "".join(f"\n  missing: {r}" for r in missing[:5]) + "".join(f"\n  extra:   {r}" for r in extra[:5])
    fail(f"{what}: {len(got)} rows, expected {len(want)}; {len(missing)} missing, {len(extra)} extra{detail}")


def last_per_key(rows, key):
    """The last JSON row of each key, in the given order."""
    last = {}
    for r in rows:
        obj = json.loads(r)
        last[obj[key]] = obj
    return last


class Run:
    """A weir process in the background, its stderr kept for messages."""

    def __init__(self, cmd, cwd, log_path):
        self.cmd = cmd
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=self.log, stderr=self.log)

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.alive():
            self.proc.kill()
        self.proc.wait()
        self.log.close()

    def stop(self):
        """SIGTERM: a clean stop after a final checkpoint; exit 0 expected."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.fail_with_log(f"did not stop within {TIMEOUT}s of SIGTERM")
        self.log.close()
        if rc != 0:
            self.fail_with_log(f"exited with {rc} after SIGTERM")

    def wait(self):
        try:
            rc = self.proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.fail_with_log(f"did not finish within {TIMEOUT}s")
        self.log.close()
        return rc

    def fail_with_log(self, why):
        with open(self.log_path, errors="replace") as f:
            tail = f.read()[-3000:]
        fail(f"{' '.join(self.cmd)}: {why}\n{tail}")


def run_to_end(cmd, cwd, log_path):
    run = Run(cmd, cwd, log_path)
    rc = run.wait()
    if rc != 0:
        run.fail_with_log(f"exited with {rc}")


def wait_consumed(run, group, topics, bootstrap=None, settle_topics=()):
    """Waits until `group` has committed every input topic's end offsets
    (the run has processed and committed all input), then until the
    settle_topics' end offsets stay put for a moment (its output is out).
    Fails if the run exits meanwhile or after TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        if not run.alive():
            run.fail_with_log(f"exited with {run.proc.returncode} before consuming its input")
        if all(group_offsets(group, t, bootstrap) == end_offsets(t, bootstrap) for t in topics):
            break
        if time.monotonic() > deadline:
            run.fail_with_log(f"group {group} did not reach the end of {topics} within {TIMEOUT}s")
        time.sleep(0.2)
    previous = None
    while True:
        now = [end_offsets(t, bootstrap) for t in settle_topics]
        if now == previous:
            return
        if time.monotonic() > deadline:
            run.fail_with_log(f"the output {settle_topics} kept changing for {TIMEOUT}s")
        previous = now
        time.sleep(1.0)

#!/usr/bin/env python3
"""Exactly-once under faults, for txns.weir from a topic into topics
(exactly_once_kill.test, available_now_kill.test, broker_restart.test).

usage: exactly_once.py MODE --work DIR --name PREFIX [--kills N] [--seed S] -- WEIR_RUN...
  kill-realtime       a realtime run is SIGKILLed after random delays and
                      restarted, at least N times, while records are being
                      produced; then one more run until the group has
                      committed the input's end, stopped with SIGTERM
  kill-available-now  available_now runs over a full topic are SIGKILLed
                      after random delays and rerun until one completes, in
                      sequences (fresh outputs, group and checkpoint each)
                      until N kills; each sequence's output must equal an
                      uninterrupted run's
  broker-restart      a broker of its own (broker.sh, WEIR_KAFKA_RUN under
                      DIR) is stopped while a realtime run is consuming and
                      producing, and restarted 3 s later; production goes on
  second-process      a second realtime run in the same group (its own
                      checkpoint) starts beside the first; it may be refused
                      or fence the first (either exits != 0 with a message),
                      but the output must not be processed twice

What a read_committed consumer must see (the outputs' expectation comes
from a file run of the same program over the records the input topic
holds, as kcat reads them): clean, the stateless pipeline, exactly its
rows, each once; per_user, the unwindowed count, a row per change whose
count rises strictly per user (a row written twice would repeat a count)
and whose last row per user is the file run's. Delays are drawn at random
(the seed is printed); bounds are counts, not times."""
import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import kafkalib as k  # noqa: E402
from gen import line, records  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BROKER_SH = os.path.join(HERE, "..", "broker.sh")
USERS = 30


class Setup:
    def __init__(self, args, weir, bootstrap, tag=""):
        self.args, self.weir, self.bootstrap = args, weir, bootstrap
        base = f"{args.name}{tag}"
        self.t_in = f"{args.name}.in"
        self.t_clean, self.t_per_user = f"{base}.clean", f"{base}.per_user"
        self.group = f"{base}.g"
        self.ck = os.path.join(args.work, f"ck{tag}")
        k.create([self.t_clean, self.t_per_user], 2, bootstrap)

    def cmd(self, trigger, checkpoint=None):
        return self.weir + ["--source", f"txns=kafka:{self.t_in}", "--sink", f"clean=kafka:{self.t_clean}",
                            "--sink", f"per_user=kafka:{self.t_per_user}?key=user",
                            "--kafka-brokers", self.bootstrap, "--group-id", self.group,
                            "--checkpoint", checkpoint or self.ck, "--guarantee", "exactly_once", "--trigger", trigger,
                            "--commit-interval", "100ms"]

    def start(self, trigger, log):
        return k.Run(self.cmd(trigger), self.args.work, os.path.join(self.args.work, log))

    def outputs(self):
        return k.consume(self.t_clean, bootstrap=self.bootstrap), k.consume(self.t_per_user, bootstrap=self.bootstrap)


def produce_chunks(t_in, bootstrap, chunks, size, pause, first_chunk=0):
    """Records keyed by user, chunk by chunk; idempotent, so that retries
    across a broker restart do not duplicate records."""
    for c in range(first_chunk, first_chunk + chunks):
        batch = [(r["user"], line(r, "json")) for r in records(size, c * size, 11, USERS)]
        text = "".join(f"{key}\t{value}\n" for key, value in batch)
        proc = subprocess.run(["kcat", "-P", "-b", bootstrap, "-t", t_in, "-K", "\t",
                               "-X", "enable.idempotence=true"],
                              input=text, capture_output=True, text=True, timeout=k.TIMEOUT)
        if proc.returncode != 0:
            k.fail(f"kcat -P {t_in}: {proc.stderr.strip()}")
        time.sleep(pause)


class Producer(threading.Thread):
    """produce_chunks in the background; a failure there fails the test
    when joined (sys.exit in a thread would only end the thread)."""

    def __init__(self, *args):
        # A daemon: a failing test exits without waiting for the last chunks.
        super().__init__(args=args, daemon=True)
        self.error = None

    def run(self):
        try:
            produce_chunks(*self._args)
        except BaseException as e:  # noqa: B036 - SystemExit from k.fail included
            self.error = e

    def finish(self):
        self.join()
        if self.error is not None:
            k.fail(f"the producer failed: {self.error}")


def expected(args, weir, t_in, bootstrap, tag):
    """The file run's outputs over what the input topic holds."""
    d = os.path.join(args.work, f"expected{tag}")
    os.makedirs(os.path.join(d, "data"), exist_ok=True)
    with open(os.path.join(d, "data", "txns.jsonl"), "w", encoding="utf-8") as f:
        f.write("".join(v + "\n" for v in k.consume(t_in, bootstrap=bootstrap)))
    k.run_to_end(weir + ["--quiet"], d, os.path.join(d, "run.log"))
    return k.read_jsonl(os.path.join(d, "out", "clean.jsonl")), k.read_jsonl(os.path.join(d, "out", "per_user.jsonl"))


def check_exactly_once(what, outputs, want):
    clean, per_user = outputs
    want_clean, want_per_user = want
    k.same_rows(f"{what}: clean", clean, want_clean)
    counts = {}
    for r in per_user:
        row = json.loads(r)
        if row["n"] <= counts.get(row["user"], 0):
            k.fail(f"{what}: per_user: user {row['user']}'s count went from {counts[row['user']]} to "
                   f"{row['n']} (a row twice, or state behind the committed offsets)")
        counts[row["user"]] = row["n"]
    last = k.last_per_key(per_user, "user")
    k.same_rows(f"{what}: per_user, last row per user", [json.dumps(v) for v in last.values()], want_per_user)


def kill_realtime(args, weir, rng):
    bootstrap = k.brokers()
    t_in = f"{args.name}.in"
    k.create([t_in], 2)
    s = Setup(args, weir, bootstrap)
    producer = Producer(t_in, bootstrap, 40, 150, 0.25)
    producer.start()
    kills = grew = 0
    stalled = 0
    # The group's offsets advance when a transaction commits (aborted
    # output moves the output topics' end offsets too).
    previous = k.group_offsets(s.group, t_in, wait=False)
    while kills < args.kills or producer.is_alive():
        run = s.start("realtime", f"run{kills}.log")
        # Longer delays while no killed run got as far as committing output.
        time.sleep(rng.uniform(0.3, 2.0) * (1 + stalled))
        if not run.alive():
            run.fail_with_log(f"a realtime run exited by itself ({run.proc.returncode})")
        run.kill()
        kills += 1
        now = k.group_offsets(s.group, t_in, wait=False)
        grew, stalled = (grew + 1, 0) if now != previous else (grew, min(stalled + 1, 5))
        previous = now
        if kills > 20 * args.kills:
            k.fail(f"{kills} kills and the producer has not finished")
    producer.finish()
    final = s.start("realtime", "final.log")
    k.wait_consumed(final, s.group, [t_in], bootstrap, settle_topics=[s.t_clean, s.t_per_user])
    final.stop()
    check_exactly_once("kill -9 realtime", s.outputs(), expected(args, weir, t_in, bootstrap, ""))
    if grew < 3:
        k.fail(f"only {grew} of {kills} killed runs committed a transaction: the kills did not land mid-stream")
    print(f"kill -9 realtime: {kills} kills, {grew} after a commit; every row exactly once")


def kill_available_now(args, weir, rng):
    bootstrap = k.brokers()
    t_in = f"{args.name}.in"
    k.create([t_in], 3)
    produce_chunks(t_in, bootstrap, 10, 5000, 0)
    want = expected(args, weir, t_in, bootstrap, "")
    ref = Setup(args, weir, bootstrap, ".ref")
    t0 = time.monotonic()
    run = ref.start("available_now", "ref.log")
    if run.wait() != 0:
        run.fail_with_log("the uninterrupted run failed")
    duration = time.monotonic() - t0
    reference = ref.outputs()
    check_exactly_once("uninterrupted available_now", reference, want)
    kills = sequences = runs = 0
    while kills < args.kills:
        sequences += 1
        s = Setup(args, weir, bootstrap, f".seq{sequences}")
        killed_here = 0
        while True:
            runs += 1
            if runs > 10 * args.kills:
                k.fail(f"{kills} kills in {runs} runs: the runs finish before the kills")
            run = s.start("available_now", f"seq{sequences}.run{runs}.log")
            # An available_now run commits once, at its end, so a killed run
            # leaves nothing behind: after a few kills the sequence's last
            # run is let finish (its output must still be the reference's).
            if killed_here >= 3:
                if run.wait() != 0:
                    run.fail_with_log("a rerun failed")
                break
            time.sleep(rng.uniform(0, duration))
            if not run.alive():
                if run.wait() != 0:
                    run.fail_with_log("a rerun failed")
                # The uninterrupted run's time overstates a run's when the
                # machine was busier then: aim the next kills earlier.
                duration /= 2
                break
            run.kill()
            kills += 1
            killed_here += 1
        got = s.outputs()
        k.same_rows(f"sequence {sequences}: clean", got[0], reference[0])
        k.same_rows(f"sequence {sequences}: per_user", got[1], reference[1])
    print(f"kill -9 available_now: {kills} kills in {sequences} sequences ({runs} runs); "
          "every rerun's output equals the uninterrupted run's")


def broker_restart(args, weir, rng):
    env_run = os.path.join(args.work, "broker")
    os.environ["WEIR_KAFKA_RUN"] = env_run
    bootstrap = subprocess.run([BROKER_SH, "start"], capture_output=True, text=True, check=True,
                               timeout=k.TIMEOUT).stdout.strip()
    try:
        t_in = f"{args.name}.in"
        k.create([t_in], 2, bootstrap)
        s = Setup(args, weir, bootstrap)
        run = s.start("realtime", "run.log")
        produce_chunks(t_in, bootstrap, 10, 200, 0.2)
        # Stopped right after a chunk went in: the run is mid-way through it.
        subprocess.run([BROKER_SH, "stop", "--keep-data"], check=True, timeout=k.TIMEOUT)
        time.sleep(3)
        if not run.alive():
            run.fail_with_log(f"the run exited while the broker was away ({run.proc.returncode})")
        subprocess.run([BROKER_SH, "restart"], check=True, stdout=subprocess.DEVNULL, timeout=k.TIMEOUT)
        produce_chunks(t_in, bootstrap, 10, 200, 0.2, first_chunk=10)
        k.wait_consumed(run, s.group, [t_in], bootstrap, settle_topics=[s.t_clean, s.t_per_user])
        run.stop()
        check_exactly_once("broker restart", s.outputs(), expected(args, weir, t_in, bootstrap, ""))
        print("broker restart: the run waited, reconnected and went on; every row exactly once")
    finally:
        subprocess.run([BROKER_SH, "stop"], timeout=k.TIMEOUT)


def second_process(args, weir, rng):
    bootstrap = k.brokers()
    t_in = f"{args.name}.in"
    k.create([t_in], 2)
    s = Setup(args, weir, bootstrap)
    produce_chunks(t_in, bootstrap, 5, 200, 0)
    first = s.start("realtime", "first.log")
    k.wait_consumed(first, s.group, [t_in], settle_topics=[s.t_clean, s.t_per_user])
    # The same group (so the same transactional id), a checkpoint of its own.
    second = k.Run(s.cmd("realtime", os.path.join(args.work, "ck2")), args.work, os.path.join(args.work, "second.log"))
    time.sleep(3)
    produce_chunks(t_in, bootstrap, 5, 200, 0, first_chunk=5)
    alive = [r for r in (first, second) if r.alive()]
    if not alive:
        first.fail_with_log("both processes of the group exited")
    k.wait_consumed(alive[0], s.group, [t_in], settle_topics=[s.t_clean, s.t_per_user])
    for r in (first, second):
        if r.alive():
            r.stop()
    outcome = []
    for name, r in (("first", first), ("second", second)):
        rc = r.proc.returncode
        if rc not in (0, None):
            with open(r.log_path, errors="replace") as f:
                message = f.read().strip()
            if not message:
                k.fail(f"the {name} process exited with {rc} without a word")
            outcome.append(f"the {name} stopped with {rc}")
    check_exactly_once("second process", s.outputs(), expected(args, weir, t_in, bootstrap, ""))
    print(f"second process in the group: {', '.join(outcome) or 'both ran'}; every row exactly once")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["kill-realtime", "kill-available-now", "broker-restart",
                                         "second-process"])
    parser.add_argument("--work", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int)
    argv = sys.argv[1:]
    if "--" not in argv:
        parser.error("expected -- WEIR_RUN...")
    split = argv.index("--")
    args, weir = parser.parse_args(argv[:split]), argv[split + 1:]
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print(f"{args.mode}: seed {seed}")
    sys.stdout.flush()
    {"kill-realtime": kill_realtime, "kill-available-now": kill_available_now,
     "broker-restart": broker_restart, "second-process": second_process}[args.mode](args, weir, random.Random(seed))


if __name__ == "__main__":
    main()

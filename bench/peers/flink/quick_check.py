#!/usr/bin/env python3
"""Quick correctness check of the Flink peer (bench/peers/flink).

Writes 2,000 records with rtm-load into a 2-partition topic (on a broker of
its own, or --brokers), then runs the Flink job (run.sh) for each query (A, B,
C) and guarantee (at_least_once, exactly_once) into a fresh output topic
until the expected rows are there and the topic has been quiet for a moment,
stops it and checks the output, read with kcat (read_committed for
exactly_once), against bench/peers/common.py's model (A and C row for row, C's
table lacking every third key; B one update per record, counts 1..n per group).

  bench/peers/flink/quick_check.py [--build BUILD] [--brokers HOST:PORT] [--queries A,B,C]
                                   [--guarantees at_least_once,exactly_once] [--restart]

--restart adds a recovery check: B exactly_once SIGKILLed mid-stream and
started again on the same --state-dir; read_committed output must still hold
every count exactly once.

Prints one PASS/FAIL line per check and, as information only, the start-up
time (launch to the first output record) of each run; exits 1 on a failure.
"""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
QUIET_S = 1.5        # after the expected rows, nothing more for this long (duplicates would show)
OUTPUT_TIMEOUT_S = 120


def add_args(ap):
    ap.add_argument("--queries", default="A,B,C")
    ap.add_argument("--guarantees", default="at_least_once,exactly_once")
    ap.add_argument("--restart", action="store_true",
                    help="also SIGKILL B exactly_once mid-stream and resume it from --state-dir (~40 s more)")


def job_argv(ctx, src, out, query, guarantee, state=None):
    argv = [os.path.join(HERE, "run.sh"), "--brokers", ctx.brokers, "--in", src, "--out", out,
            "--query", query, "--guarantee", guarantee]
    argv += ["--lookup", ctx.lookup] if query == "C" else []
    return argv + (["--state-dir", state] if state else [])


def restart_check(ctx, ck):
    """B exactly_once, SIGKILLed mid-stream and started again on its --state-dir:
    read_committed must still see every count exactly once."""
    src, out = ctx.topic("restart.in"), ctx.topic("restart.out")
    ctx.create_topics(src, out)
    argv = job_argv(ctx, src, out, "B", "exactly_once", os.path.join(ctx.work, "state-restart"))
    env = dict(os.environ, TMPDIR=ctx.work)  # a SIGKILLed run.sh cannot remove its temp dir
    reader = common.Reader(ctx.brokers, out, committed=True)
    logs = [os.path.join(ctx.work, f"restart-{i}.log") for i in (1, 2)]
    job, load = None, None

    def drain(until, reach=None, settle=None):
        """Waits until `reach` rows are there, or `settle` rows and QUIET_S without more."""
        while time.monotonic() < until:
            n = len(reader.rows)
            if reach is not None and n >= reach:
                return
            if settle is not None and n >= settle and time.monotonic() - (reader.last or 0) >= QUIET_S:
                return
            if job.poll() is not None:
                raise RuntimeError(f"the job exited early (code {job.returncode})")
            time.sleep(0.1)
        raise RuntimeError(f"timed out with {len(reader.rows)} rows")

    try:
        with open(logs[0], "w") as f:
            job = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        # 200 records at once: their committed output says the job is up.
        first = 200
        ctx.produce(src, first, rate=0)
        drain(time.monotonic() + OUTPUT_TIMEOUT_S, reach=first)
        # The rest over 9 s; the kill lands ~2 s in, while records still arrive.
        load = subprocess.Popen(ctx.produce_argv(src, common.RECORDS - first, rate=200, seed=2),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        drain(time.monotonic() + 30, reach=first + 400)
        os.killpg(job.pid, signal.SIGKILL)
        job.wait()
        ck.log(f"restart check: SIGKILL after {len(reader.rows)} committed rows "
               f"(load still running: {load.poll() is None})")
        with open(logs[1], "w") as f:
            job = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        if load.wait(120) != 0:
            raise RuntimeError("rtm-load failed")
        drain(time.monotonic() + OUTPUT_TIMEOUT_S, settle=common.RECORDS)
    except Exception as e:  # noqa: BLE001 - reported as a failed check
        ck(False, "B exactly_once restart run", str(e))
        return
    finally:
        if job is not None:
            common.stop_process(job)
        if load is not None and load.poll() is None:
            load.kill()
            load.wait()
        reader.stop()
    with open(logs[1]) as f:
        resumed = "resuming from" in f.read()
    ck(resumed, "B exactly_once restart resumes", "the second run restored a checkpoint of the first"
       if resumed else "the second run did not say 'resuming from'")
    events = ctx.read_input(src)
    ck(len(events) == common.RECORDS, "B exactly_once restart input", f"{len(events)} records read back")
    rows = [(k, json.loads(v)) for k, v in common.read_topic(ctx.brokers, out, committed=True)]
    common.check_b(ck, "B exactly_once restart", rows, common.model_b(events))


def body(ctx, ck):
    in_topic, events = ctx.standard_input(ck)
    table = ctx.lookup_table()
    want = {"A": common.model_a(events), "B": common.model_b(events), "C": common.model_c(events, table)}
    counts = {"A": len(want["A"]), "B": len(events), "C": len(want["C"])}
    for guarantee in ctx.args.guarantees.split(","):
        for q in ctx.args.queries.split(","):
            name = f"{q} {guarantee}"
            out = ctx.topic(f"{q}-{guarantee.replace('_', '')}.out")
            ctx.create_topics(out)
            eos = guarantee == "exactly_once"
            argv = job_argv(ctx, in_topic, out, q, guarantee, os.path.join(ctx.work, f"state-{q}") if eos else None)
            ck.log(f"case {name}")
            res = common.run_peer(ctx, argv, out, eos, lambda rows, n=counts[q]: len(rows) >= n,
                                  OUTPUT_TIMEOUT_S, quiet=QUIET_S, tag=name)
            common.report_run(ck, name, res, OUTPUT_TIMEOUT_S)
            if q == "B":
                common.check_b(ck, name, res.rows, want["B"])
            else:
                common.check_rows(ck, name, res.rows, want[q])
    if ctx.args.restart:
        restart_check(ctx, ck)


if __name__ == "__main__":
    sys.exit(common.main("flink", __doc__, add_args, body))

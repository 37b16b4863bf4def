#!/usr/bin/env python3
"""observe.test: a streaming run over Kafka seen from outside, as an on-call
person would: under a pseudo-terminal (script) with --metrics.

3000 records (3 partitions) are produced; `weir run txns.weir` reads them
with `--trigger every 500ms`. The driver scrapes /metrics until every record
is read, checks the Kafka figures (consumer lag per partition, down to 0;
end-to-end latency observed for each record of each pipeline), stops the
run with SIGINT and reads the terminal's transcript: progress lines with
records, rate, rows out and consumer lag, the last one complete.

usage: observe.py --work DIR --name PREFIX -- WEIR_RUN..."""
import argparse
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import kafkalib as k  # noqa: E402
from gen import line, records  # noqa: E402

TIMEOUT = 300


def samples(text):
    out = {}
    for row in text.splitlines():
        if row and not row.startswith("#"):
            name, value = row.rsplit(" ", 1)
            out[name] = float(value)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("weir", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    weir = a.weir[1:] if a.weir[:1] == ["--"] else a.weir
    recs = list(records(3000, 0, 3, 40))
    topic = f"{a.name}.in"
    k.create([topic], 3)
    k.produce(topic, [(r["user"], line(r, "json")) for r in recs])
    cmd = weir + ["--source", f"txns=kafka:{topic}", "--sink", "clean=discard:", "--sink", "per_user=discard:",
                  "--kafka-brokers", k.brokers(), "--group-id", f"{a.name}.g", "--trigger", "every", "500ms",
                  "--metrics", "0"]
    transcript = os.path.join(a.work, "terminal.txt")
    # script gives the run a terminal; its transcript is what a person saw.
    proc = subprocess.Popen(["script", "-qfec", shlex.join(cmd), transcript], cwd=a.work,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = None
    deadline = time.monotonic() + TIMEOUT
    while url is None and time.monotonic() < deadline:
        time.sleep(0.1)
        if os.path.exists(transcript):
            m = re.search(r"metrics at (http://[^\s,]+)", open(transcript, errors="replace").read())
            url = m.group(1) if m else None
    if url is None:
        proc.kill()
        k.fail("no metrics address in the terminal")
    lags_seen = set()
    while True:
        if time.monotonic() > deadline:
            proc.kill()
            k.fail("the run did not read the 3000 records")
        m = samples(urllib.request.urlopen(url, timeout=10).read().decode())
        read = sum(v for n, v in m.items() if n.startswith("weir_source_records_total"))
        lag = {n: v for n, v in m.items() if n.startswith("weir_kafka_consumer_lag_records")}
        lags_seen |= set(lag)
        if read >= 3000 and lag and all(v == 0 for v in lag.values()) and len(lag) == 3:
            break
        time.sleep(0.2)
    print(f"records read: {int(read)}")
    print(f"consumer lag: {len(lags_seen)} partitions, all 0 at the end")
    for pipeline in ("clean", "per_user"):
        count = [v for n, v in m.items()
                 if n.startswith("weir_end_to_end_latency_seconds_count") and f'pipeline="{pipeline}"' in n]
        print(f"latency {pipeline}: {int(count[0]) if count else 0} records observed")
    # SIGINT to the run (script's child), as Ctrl-C would.
    child = subprocess.run(["pgrep", "-f", "--", f"--group-id {a.name}.g"], capture_output=True,
                           text=True).stdout.split()
    for pid in child:
        if int(pid) != proc.pid:
            os.kill(int(pid), signal.SIGINT)
    proc.wait(timeout=TIMEOUT)
    text = open(transcript, errors="replace").read()
    lines = [x for x in re.split(r"[\r\n]", text) if x.startswith("every 500ms:")]
    print(f"progress lines: {'several' if len(lines) >= 2 else len(lines)}")
    last = re.sub(r"\x1b\[K", "", lines[-1]) if lines else ""
    print("last progress line:", re.sub(r"\(\d+/s\)", "(N/s)", re.sub(r"\d+ batch(es)?", "N batches", last)))
    k.delete([topic])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""What --metrics costs a run (docs/benchmarks.md, "Metrics overhead").

Runs the same pipelines without --metrics, with it but not scraped (what the
record path pays), and with it scraped every 100 ms by a client thread on
the same 2-core machine (150 times Prometheus' usual 15 s), alternating, and
prints the median wall time of each and their ratios:

  python3 bench/metrics_overhead.py [--runs 5] [--weir build/bin/weir] [--before OLD_WEIR]

--before adds a leg with a weir built before --metrics existed (e.g. a
worktree at e14c37d): the cost of the code itself when the flag is off.

Pipelines: bench/windows/tumbling.weir (2M card rows, windowed state) on one
thread and with --threads 2, and bench/windows/rolling.weir (a longer run). Needs bench/data/windows (see
bench/windows/run.sh)."""
import argparse
import os
import re
import statistics
import subprocess
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def run(weir, program, extra, metrics, scraped=True):
    sink = os.path.splitext(os.path.basename(program))[0]
    # No --quiet: a metrics leg prints its address on stderr, so every leg
    # prints its report there too.
    cmd = [weir, "run", program, "--sink", f"{sink}=discard:"] + extra
    if metrics:
        cmd += ["--metrics", "0"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    scrapes = 0
    if metrics and scraped:
        m = re.search(r"metrics at (http://[^\s,]+)", proc.stderr.readline())
        url = m.group(1)
        done = threading.Event()

        def scrape():
            nonlocal scrapes
            while not done.is_set():
                try:
                    urllib.request.urlopen(url, timeout=5).read()
                    scrapes += 1
                except OSError:
                    pass
                done.wait(0.1)

        t = threading.Thread(target=scrape)
        t.start()
    proc.stderr.read()
    proc.wait()
    elapsed = time.perf_counter() - start
    if metrics and scraped:
        done.set()
        t.join()
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed")
    return elapsed, scrapes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--weir", default=os.path.join(HERE, "..", "build", "bin", "weir"))
    ap.add_argument("--before", help="a weir built before --metrics existed")
    a = ap.parse_args()
    weir = os.path.abspath(a.weir)
    tumbling = os.path.join(HERE, "windows", "tumbling.weir")
    rolling = os.path.join(HERE, "windows", "rolling.weir")
    print("| run | " + ("before --metrics existed (s) | " if a.before else "") +
          "without --metrics (s) | with --metrics, not scraped (s) | ratio | "
          "with --metrics, scraped every 100 ms (s) | ratio | scrapes |")
    print("|---|---|---|---|---|---|---|" + ("---|" if a.before else ""))
    for label, program, extra in (("tumbling, 2M rows, 1 thread", tumbling, []),
                                  ("tumbling, 2M rows, --threads 2", tumbling, ["--threads", "2"]),
                                  ("rolling(1h), 2M rows, 1 thread", rolling, [])):
        run(weir, program, extra, False)  # warm the page cache
        off, idle, on, scraped, before = [], [], [], [], []
        for _ in range(a.runs):
            if a.before:
                before.append(run(os.path.abspath(a.before), program, extra, False)[0])
            off.append(run(weir, program, extra, False)[0])
            idle.append(run(weir, program, extra, True, scraped=False)[0])
            t, n = run(weir, program, extra, True)
            on.append(t)
            scraped.append(n)
        mo, mi, mn = statistics.median(off), statistics.median(idle), statistics.median(on)
        first = f"{statistics.median(before):.3f} | " if a.before else ""
        print(f"| {label} | {first}{mo:.3f} | {mi:.3f} | {mi / mo:.3f} | {mn:.3f} | {mn / mo:.3f} | "
              f"{int(statistics.median(scraped))} |")


main()

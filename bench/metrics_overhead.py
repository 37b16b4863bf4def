#!/usr/bin/env python3
"""What --metrics costs a run (docs/benchmarks.md, "Metrics overhead").

Runs the same pipelines without --metrics, with it but not scraped (what the
record path pays), and with it scraped every 100 ms by a client thread on
the same 2-core machine (150 times Prometheus' usual 15 s), alternating, and
prints the median wall time of each and their ratios:

  python3 bench/metrics_overhead.py [--runs 5] [--weir build/bin/weir]

Pipelines: bench/windows/tumbling.weir (2M card rows, one thread, windowed
state) and the same file with --threads 2. Needs bench/data/windows (see
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
    cmd = [weir, "run", program, "--sink", "tumbling=discard:", "--quiet"] + extra
    if metrics:
        cmd += ["--metrics", "0"]
        cmd.remove("--quiet")  # the address is printed on stderr
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
    a = ap.parse_args()
    weir = os.path.abspath(a.weir)
    program = os.path.join(HERE, "windows", "tumbling.weir")
    print("| run | without --metrics (s) | with --metrics, not scraped (s) | ratio | "
          "with --metrics, scraped every 100 ms (s) | ratio | scrapes |")
    print("|---|---|---|---|---|---|---|")
    for label, extra in (("tumbling, 2M rows, 1 thread", []), ("tumbling, 2M rows, --threads 2", ["--threads", "2"])):
        run(weir, program, extra, False)  # warm the page cache
        off, idle, on, scraped = [], [], [], []
        for _ in range(a.runs):
            off.append(run(weir, program, extra, False)[0])
            idle.append(run(weir, program, extra, True, scraped=False)[0])
            t, n = run(weir, program, extra, True)
            on.append(t)
            scraped.append(n)
        mo, mi, mn = statistics.median(off), statistics.median(idle), statistics.median(on)
        print(f"| {label} | {mo:.3f} | {mi:.3f} | {mi / mo:.3f} | {mn:.3f} | {mn / mo:.3f} | "
              f"{int(statistics.median(scraped))} |")


main()

#!/usr/bin/env python3
"""What --metrics costs a run (docs/benchmarks.md, "Metrics overhead").

Runs the same pipelines without --metrics, with it but not scraped (what the
record path pays), and with it scraped every 100 ms by a client thread on
the same 2-core machine (150 times Prometheus' usual 15 s), alternating, and
prints the median wall time and CPU time (user + system) of each, and their
ratios (CPU time is the steadier figure on a busy machine):

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
    _, status, usage = os.wait4(proc.pid, 0)  # the run's own CPU time, less disturbed by a busy machine
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    if metrics and scraped:
        done.set()
        t.join()
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed")
    return elapsed, scrapes, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--weir", default=os.path.join(HERE, "..", "build", "bin", "weir"))
    ap.add_argument("--before", help="a weir built before --metrics existed")
    a = ap.parse_args()
    weir = os.path.abspath(a.weir)
    tumbling = os.path.join(HERE, "windows", "tumbling.weir")
    rolling = os.path.join(HERE, "windows", "rolling.weir")
    legs = (["before"] if a.before else []) + ["off", "idle", "on"]
    names = {"before": "before --metrics existed", "off": "without --metrics",
             "idle": "with --metrics, not scraped", "on": "with --metrics, scraped every 100 ms"}
    # Each cell: median wall s / median CPU s (user + system of the run);
    # ratios against "without --metrics", wall and CPU.
    print("| run | " + " | ".join(names[l] for l in legs) + " | not scraped / without | scraped / without | scrapes |")
    print("|---" * (len(legs) + 4) + "|")
    for label, program, extra in (("tumbling, 2M rows, 1 thread", tumbling, []),
                                  ("tumbling, 2M rows, --threads 2", tumbling, ["--threads", "2"]),
                                  ("rolling(1h), 2M rows, 1 thread", rolling, [])):
        run(weir, program, extra, False)  # warm the page cache
        wall = {l: [] for l in legs}
        cpu = {l: [] for l in legs}
        scraped = []
        for _ in range(a.runs):
            for leg in legs:
                binary = os.path.abspath(a.before) if leg == "before" else weir
                t, n, c = run(binary, program, extra, leg in ("idle", "on"), scraped=leg == "on")
                wall[leg].append(t)
                cpu[leg].append(c)
                if leg == "on":
                    scraped.append(n)
        med = {l: (statistics.median(wall[l]), statistics.median(cpu[l])) for l in legs}
        cells = [f"{med[l][0]:.3f} / {med[l][1]:.3f}" for l in legs]
        ratio = lambda l: f"{med[l][0] / med['off'][0]:.3f} / {med[l][1] / med['off'][1]:.3f}"
        print(f"| {label} | " + " | ".join(cells) + f" | {ratio('idle')} | {ratio('on')} | "
              f"{int(statistics.median(scraped))} |")

main()

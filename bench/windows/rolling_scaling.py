#!/usr/bin/env python3
"""How `window rolling(1h)` scales: total time against input size, and the
cost per event against the number of the key's rows in range.

  rolling_scaling.py [--weir build/bin/weir] [--baseline OTHER_WEIR]
                     [--rows 1000000,2000000] [--users 40000] [--in-range 1,100,10000]
                     [--range-rows 300000] [--repeat 3] [--timeout 300]

Scaling: card transactions of 40k users (Zipf, exponent 1), one every 200 ms
(5 tx/s), event times displaced by up to +-2 s from arrival, `watermark 5s`;
a rolling(1h) count and sum per row, emit final and emit updates. Prints the
median wall time of `weir run` (compile included) per size and the ratio of
the largest to the smallest size (linear: rows ratio).

In range: 50 keys in turn, each key's rows spaced so that each output row's
range holds about K of them (K = 1, 100, 10,000; same +-2 s disorder); prints
microseconds per event, which an O(1)-per-event window keeps flat in K.

--baseline runs a second binary on the same inputs, side by side (the
machine is shared: compare ratios within one run). A run over --timeout
seconds prints as "> timeout".
"""
import argparse
import bisect
import itertools
import os
import random
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
BASE_MS = 1_704_067_200_000
HOUR_MS = 3_600_000

PIPELINE = """schema Tx {{ user: int64, amount: float64, ts: timestamp }}
source txs: Tx = file("{input}", format = "csv") event_time ts watermark 5s;
pipeline p = txs | key by user
  | window rolling(1h) emit {emit}
  | aggregate n = count(), total = sum(amount)
  | sink file("{output}", format = "csv");
"""


def write_rows(path, rows):
    with open(path, "w") as f:
        f.write("user,amount,ts\n")
        f.writelines(f"{u},{a},{t}\n" for u, a, t in rows)


def card_transactions(n, seed=7, users=40_000, skew=1.0):
    rng = random.Random(seed)
    cum = list(itertools.accumulate(1.0 / (k ** skew) for k in range(1, users + 1)))
    total = cum[-1]
    for i in range(n):
        user = bisect.bisect_left(cum, rng.random() * total) + 1
        yield user, rng.randint(1, 40000) / 100, BASE_MS + i * 200 + rng.randint(-2000, 2000)


def keys_in_turn(n, in_range, seed=7, keys=50):
    rng = random.Random(seed)
    spacing = max(HOUR_MS // in_range, 1)  # a key's rows: ~in_range of them per hour
    for i in range(n):
        turn, key = divmod(i, keys)
        ts = BASE_MS + turn * spacing + rng.randint(-2000, 2000)
        yield key + 1, rng.randint(1, 40000) / 100, ts


def time_run(weir, workdir, name, emit, timeout):
    weir_file = os.path.join(workdir, f"{name}.{emit}.weir")
    with open(weir_file, "w") as f:
        f.write(PIPELINE.format(input=f"{name}.csv", output=f"out.{name}.{emit}.csv", emit=emit))
    start = time.perf_counter()
    try:
        subprocess.run([weir, "run", weir_file], cwd=workdir, check=True, timeout=timeout,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def median_time(weir, workdir, name, emit, args):
    times = []
    for _ in range(args.repeat):
        t = time_run(weir, workdir, name, emit, args.timeout)
        if t is None:
            return None
        times.append(t)
    return statistics.median(times)


def show(t):
    return "> timeout" if t is None else f"{t:.2f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weir", default=os.path.join(ROOT, "build", "bin", "weir"))
    parser.add_argument("--baseline", help="a second weir binary to time beside --weir")
    parser.add_argument("--workdir", default=os.path.join(ROOT, "build", "bench", "rolling"))
    parser.add_argument("--rows", default="1000000,2000000")
    parser.add_argument("--users", type=int, default=40_000)
    parser.add_argument("--in-range", default="1,100,10000")
    parser.add_argument("--range-rows", type=int, default=300_000)
    parser.add_argument("--emit", default="final,updates")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    binaries = [("weir", args.weir)] + ([("baseline", args.baseline)] if args.baseline else [])
    emits = args.emit.split(",")

    sizes = [int(n) for n in args.rows.split(",") if n]
    if sizes:
        print(f"rolling(1h) count+sum per row, {args.users} Zipf users, 5 tx/s (median of {args.repeat})")
    for label, weir in binaries:
        for emit in emits:
            times = {}
            for n in sizes:
                name = f"txns{n}" + (f"_{args.users}u" if args.users != 40_000 else "")
                if not os.path.exists(os.path.join(args.workdir, f"{name}.csv")):
                    write_rows(os.path.join(args.workdir, f"{name}.csv"), card_transactions(n, users=args.users))
                times[n] = median_time(weir, args.workdir, name, emit, args)
                print(f"  {label:8} emit {emit:7} {n:>9} rows: {show(times[n])}", flush=True)
            if len(sizes) > 1 and times[sizes[0]] and times[sizes[-1]]:
                print(f"  {label:8} emit {emit:7} ratio {sizes[-1]}/{sizes[0]} rows: "
                      f"{times[sizes[-1]] / times[sizes[0]]:.2f} (rows {sizes[-1] / sizes[0]:.2f})")

    ranges = [int(k) for k in args.in_range.split(",") if k]
    if ranges:
        print(f"per event, {args.range_rows} rows of 50 keys, K rows per key in range")
    for label, weir in binaries:
        for emit in emits:
            for k in ranges:
                name = f"range{k}_{args.range_rows}"
                if not os.path.exists(os.path.join(args.workdir, f"{name}.csv")):
                    write_rows(os.path.join(args.workdir, f"{name}.csv"), keys_in_turn(args.range_rows, k))
                t = median_time(weir, args.workdir, name, emit, args)
                per = "> timeout" if t is None else f"{t / args.range_rows * 1e6:.2f} us/event"
                print(f"  {label:8} emit {emit:7} K={k:<6}: {per} ({show(t)})", flush=True)


if __name__ == "__main__":
    sys.exit(main())

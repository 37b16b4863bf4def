#!/usr/bin/env python3
"""Many pipelines over one source: run and compile time of 1, 10 and 100
feature pipelines that read one 200k-row JSON file, with shared scans (the
default) and without (--no-share-scans: one scan and one decode per
pipeline), side by side.

Pipeline i is `where user_id % k == 0 | key by merchant | aggregate
n = count(), total = sum(amount)` with k = i + 1 (the issue's workload).
Every configuration runs --repeat times round-robin (so a slow spell of the
shared machine hits all alike) and the table shows medians:
  compile: `weir run --time-phases` total (parse .. llvm-opt + jit), ms;
           "cached" is the shared program run with --cache-dir after one
           warm-up run filled the cache (a hit skips codegen, llvm-opt, JIT)
  run:     the runtime's own "finished in" time, s
The outputs of the shared, unshared and cached runs are checked byte-equal.

usage: bench/shared_scans.py [--weir build/bin/weir] [--rows 200000]
                             [--counts 1,10,100] [--repeat 5]
Prints a markdown table (docs/benchmarks.md, "Many pipelines over one source").
"""
import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MERCHANTS = [f"m{i:03d}" for i in range(200)]


def write_data(path, rows):
    rng = random.Random(9)
    base = 1_709_251_200_000
    with open(path, "w") as f:
        for i in range(rows):
            f.write(json.dumps({
                "txn_id": f"t{i:07d}", "user_id": rng.randint(0, 39_999),
                "merchant": rng.choice(MERCHANTS), "amount": rng.randint(1, 80_000) / 8,
                "ts": base + i * 20}) + "\n")


def write_program(path, count):
    lines = ["schema Txn { txn_id: string, user_id: int64, merchant: string, amount: float64, ts: int64 }",
             'source txns: Txn = file("txns.jsonl", format = "json");']
    for i in range(count):
        lines.append(f"pipeline f{i} = txns | where user_id % {i + 1} == 0 | key by merchant"
                     f" | aggregate n = count(), total = sum(amount)"
                     f' | sink file("out/f{i}.jsonl", format = "json");')
    Path(path).write_text("\n".join(lines) + "\n")


def run_once(weir, program, workdir, out, flags):
    outdir = Path(workdir) / "out"
    if outdir.exists():
        for f in outdir.iterdir():
            f.unlink()
    outdir.mkdir(exist_ok=True)
    r = subprocess.run([weir, "run", "--time-phases", *flags, str(program)], cwd=workdir,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"weir run failed ({flags}): {r.stderr}")
    compile_ms = float(re.search(r"total ([0-9.]+) ms", r.stderr).group(1))
    run_s = float(re.search(r"finished in ([0-9.]+) s", r.stderr).group(1))
    os.rename(outdir, out)
    return compile_ms, run_s


def same_outputs(a, b):
    files = sorted(os.listdir(a))
    return files == sorted(os.listdir(b)) and all(
        Path(a, f).read_bytes() == Path(b, f).read_bytes() for f in files)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weir", default=str(REPO / "build/bin/weir"))
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--counts", default="1,10,100")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    with tempfile.TemporaryDirectory(prefix="weir-shared-") as tmp:
        # cached: shared, with the object cache warmed once before the runs.
        modes = {"shared": [], "unshared": ["--no-share-scans"],
                 "cached": ["--cache-dir", str(Path(tmp) / "cache")]}
        write_data(Path(tmp) / "txns.jsonl", args.rows)
        times = {(n, m): ([], []) for n in counts for m in modes}
        for n in counts:
            write_program(Path(tmp) / f"p{n}.weir", n)
            run_once(args.weir, Path(tmp) / f"p{n}.weir", tmp, Path(tmp) / f"warm.{n}", modes["cached"])
        for rep in range(args.repeat):
            for n in counts:
                for m, flags in modes.items():
                    out = Path(tmp) / f"out.{n}.{m}.{rep}"
                    c, r = run_once(args.weir, Path(tmp) / f"p{n}.weir", tmp, out, flags)
                    times[(n, m)][0].append(c)
                    times[(n, m)][1].append(r)
                for other in ("unshared", "cached"):
                    if not same_outputs(Path(tmp) / f"out.{n}.shared.{rep}", Path(tmp) / f"out.{n}.{other}.{rep}"):
                        sys.exit(f"{n} pipelines: shared and {other} outputs differ")
    med = {k: (statistics.median(v[0]), statistics.median(v[1])) for k, v in times.items()}
    one_shared = med[(counts[0], "shared")][1]
    one_unshared = med[(counts[0], "unshared")][1]
    print(f"{args.rows} rows, medians of {args.repeat} round-robin runs; "
          f"run time relative to {counts[0]} pipeline(s) in the same mode.\n")
    print("| pipelines | compile, unshared (ms) | compile, shared (ms) | compile, shared, cached (ms) "
          "| run, unshared (s) | run, shared (s) | unshared / 1 | shared / 1 | shared speedup |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in counts:
        cu, ru = med[(n, "unshared")]
        cs, rs = med[(n, "shared")]
        cc, _ = med[(n, "cached")]
        print(f"| {n} | {cu:.0f} | {cs:.0f} | {cc:.0f} | {ru:.3f} | {rs:.3f} | {ru / one_unshared:.1f}x "
              f"| {rs / one_shared:.1f}x | {ru / rs:.1f}x |")


if __name__ == "__main__":
    main()
